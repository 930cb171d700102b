namespace RbdPowerShell.Engine;

/// <summary>rbd merge-diff: two consecutive v1 diffs into one.</summary>
public static class DiffMerge
{
    public static void Run(Stream first, Stream second, Stream output) => throw new NotImplementedException();
}
