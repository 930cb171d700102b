namespace RbdPowerShell.Engine;

/// <summary>rbd import --export-format 2: recreates an image with every snapshot and its protection.</summary>
public static class ImageImportV2
{
    public static void Run(IRbdCluster cluster, Stream input, string pool, string image, ImageOptions options,
                           ProgressHandler? progress = null) =>
        throw new NotImplementedException();
}
