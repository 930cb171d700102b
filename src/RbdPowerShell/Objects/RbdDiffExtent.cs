using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>One row of rbd diff: Offset, Length and whether the extent holds data (Type data) or reads as zeros (Type zero).</summary>
public sealed class RbdDiffExtent
{
    internal RbdDiffExtent(string spec, DiffExtent extent)
    {
        Spec = spec;
        Offset = extent.Offset;
        Length = extent.Length;
        Exists = extent.Exists;
    }

    /// <summary>The image or snapshot compared (pool/image[@snap]).</summary>
    public string Spec { get; }
    public ulong Offset { get; }
    public ulong Length { get; }
    public bool Exists { get; }
    /// <summary>rbd diff's Type column: data or zero.</summary>
    public string Type => Exists ? "data" : "zero";

    public override string ToString() => $"{Offset}+{Length} {Type}";
}
