namespace RbdPowerShell.Engine;

/// <summary>One row of `rbd du`: an image's snapshot (Snapshot set) or its head (Snapshot null).</summary>
public sealed record ImageUsage(string Pool, string Image, string? Snapshot, ulong Provisioned, ulong Used)
{
    public string Name => Snapshot is null ? Image : $"{Image}@{Snapshot}";
}
