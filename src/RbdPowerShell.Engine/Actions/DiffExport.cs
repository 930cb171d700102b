namespace RbdPowerShell.Engine;

/// <summary>rbd export-diff: the changes of an image (head or snapshot) since a snapshot, or since creation.</summary>
public static class DiffExport
{
    public static void Run(IRbdImage image, string? fromSnapshot, Stream output, DiffFormat format = DiffFormat.V1,
                           bool wholeObject = false, ProgressHandler? progress = null) =>
        throw new NotImplementedException();
}
