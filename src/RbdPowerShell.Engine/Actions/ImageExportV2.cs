namespace RbdPowerShell.Engine;

/// <summary>rbd export --export-format 2: an image with all its snapshots.</summary>
public static class ImageExportV2
{
    public static void Run(IRbdImage image, Stream output, ProgressHandler? progress = null) =>
        throw new NotImplementedException();
}
