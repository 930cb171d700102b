namespace RbdPowerShell.Engine;

/// <summary>
/// <c>rbd export-diff [--from-snap f] pool/image@snap - | rbd import-diff - pool/image</c>, between two clusters or
/// within one: the stream goes through a temporary file, so neither side holds it in memory and the import
/// (atomic on the target) starts only from a complete stream.
/// </summary>
public static class DiffTransfer
{
    public static void Run(IRbdCluster source, string pool, string image, string snapshot, string? fromSnapshot,
                           IRbdCluster destination, string destinationPool, string destinationImage,
                           ProgressHandler? progress = null)
    {
        string spool = Path.Combine(Path.GetTempPath(), $"rbdps-transfer-{Guid.NewGuid():N}.rbddiff");
        try
        {
            using (var from = source.OpenImage(pool, image, snapshot))
            using (var output = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                DiffExport.Run(from, fromSnapshot, output, DiffFormat.V1, wholeObject: false,
                    progress is null ? null : (done, total) => progress(done, 2 * total));
            using var input = new FileStream(spool, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            DiffImport.Run(destination, destinationPool, destinationImage, input,
                progress is null ? null : (done, total) => progress(total + done, 2 * total));
        }
        finally
        {
            File.Delete(spool);
        }
    }
}
