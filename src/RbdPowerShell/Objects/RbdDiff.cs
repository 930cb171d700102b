namespace RbdPowerShell;

/// <summary>
/// A diff stream written by Export-RbdDiff (rbd export-diff): the changes of <see cref="Source"/> since
/// <see cref="FromSnapshot"/> (or since creation), in the file <see cref="Path"/>. Without -Path the stream is
/// spooled to a temporary file (<see cref="IsTemporary"/>), which Import-RbdDiff deletes once it has imported it.
/// The cluster it came from is <see cref="SourceCluster"/>, deliberately not named Cluster: a piped RbdDiff must
/// not bind Import-RbdDiff's -Cluster, so the import goes to the importer's cluster.
/// </summary>
public sealed class RbdDiff
{
    internal RbdDiff(string source, string? fromSnapshot, string? toSnapshot, long size, string path,
                     bool isTemporary, bool wholeObject, RbdCluster sourceCluster)
    {
        Source = source;
        FromSnapshot = fromSnapshot;
        ToSnapshot = toSnapshot;
        Size = size;
        Path = path;
        IsTemporary = isTemporary;
        WholeObject = wholeObject;
        SourceCluster = sourceCluster;
    }

    /// <summary>The exported image or snapshot, pool/image[@snap].</summary>
    public string Source { get; }
    /// <summary>The start snapshot (rbd's --from-snap), or null for a diff since the image's creation.</summary>
    public string? FromSnapshot { get; }
    /// <summary>The end snapshot the import creates, or null for a diff of the image head.</summary>
    public string? ToSnapshot { get; }
    /// <summary>The length of the stream in bytes.</summary>
    public long Size { get; }
    /// <summary>The file holding the stream (rbd diff v1).</summary>
    public string Path { get; }
    /// <summary>Whether <see cref="Path"/> is a temporary spool file that Import-RbdDiff deletes after importing it.</summary>
    public bool IsTemporary { get; }
    /// <summary>Whether the extents are whole objects (--whole-object).</summary>
    public bool WholeObject { get; }
    /// <summary>The cluster the diff was exported from.</summary>
    public RbdCluster SourceCluster { get; }

    public override string ToString() => Path;
}
