namespace RbdPowerShell.Engine;

/// <summary>rbd import-diff: applies a v1 or v2 diff stream to an image, all at once or not at all.</summary>
public static class DiffImport
{
    public static void Run(IRbdCluster cluster, string pool, string image, Stream input, ProgressHandler? progress = null) =>
        throw new NotImplementedException();
}
