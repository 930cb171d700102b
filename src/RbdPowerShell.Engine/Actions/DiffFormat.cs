namespace RbdPowerShell.Engine;

/// <summary>The two layouts of rbd's diff stream: "rbd diff v1" (export-diff) and "rbd diff v2" (inside export format 2).</summary>
public enum DiffFormat
{
    V1 = 1,
    V2 = 2,
}
