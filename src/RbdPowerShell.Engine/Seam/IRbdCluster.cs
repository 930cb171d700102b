namespace RbdPowerShell.Engine;

/// <summary>
/// A cluster connection shaped like librados + librbd's RBD class: pools, image names, create,
/// remove, rename, clone. Implemented by the embedded store and by librbd (Ceph.CephCluster).
/// Every name argument is a plain pool/image/snapshot name, never a path.
/// </summary>
public interface IRbdCluster : IDisposable
{
    /// <summary>The cluster's fsid, fixed at creation (used in Glance rbd:// locations).</summary>
    Guid Fsid { get; }

    /// <summary>Where the cluster is: a store directory or a ceph.conf path.</summary>
    string Location { get; }

    /// <summary>
    /// The text that opens this cluster again from any host (settings and backup records keep it): the store
    /// directory, or <c>ceph:&lt;conf&gt;?id=&lt;client&gt;[&amp;namespace=&lt;ns&gt;]</c>.
    /// </summary>
    string Locator { get; }

    /// <summary>The records kept beside this cluster (see <see cref="IRecordStore"/>).</summary>
    IRecordStore OpenRecordStore();

    IReadOnlyList<string> ListPools();
    void CreatePool(string pool);
    /// <summary>Removes the pool and every image in it. EBUSY while images elsewhere are clones of it.</summary>
    void RemovePool(string pool);

    IReadOnlyList<string> ListImages(string pool);

    /// <summary>
    /// rbd ls -l: every image of the pool described (rbd info and its snapshots), each followed by its snapshots'
    /// views when <paramref name="includeSnapshots"/>. The embedded store reads it all in one consistent read; librbd
    /// describes image by image, and one that fails goes to <paramref name="failed"/> (thrown when null).
    /// </summary>
    IReadOnlyList<ImageDescription> DescribeImages(string pool, bool includeSnapshots, Action<RbdException>? failed = null) =>
        ImageListing.Describe(this, pool, includeSnapshots, failed);
    void CreateImage(string pool, string image, ulong size, ImageOptions options);
    /// <summary>ENOTEMPTY while it has snapshots; EBUSY while it has children (through a snapshot).</summary>
    void RemoveImage(string pool, string image);
    void RenameImage(string pool, string image, string newName);

    /// <summary>
    /// rbd trash mv: the image leaves the pool's listing and frees its name, keeping its id, snapshots and
    /// clones' parent link; it may not be removed (without force) before <paramref name="delay"/> has passed.
    /// </summary>
    void MoveToTrash(string pool, string image, TimeSpan delay);
    /// <summary>rbd trash ls, oldest first.</summary>
    IReadOnlyList<TrashEntry> ListTrash(string pool);
    /// <summary>rbd trash restore: back under <paramref name="name"/>. TrashEntryNotFound, ImageExists.</summary>
    void RestoreFromTrash(string pool, string id, string name);
    /// <summary>rbd trash rm: TrashDefermentNotExpired unless <paramref name="force"/>; ImageHasSnapshots.</summary>
    void RemoveFromTrash(string pool, string id, bool force, ProgressHandler? progress = null);
    /// <summary>Opens an image in the trash by its id, to read it (at one of its snapshots when given). TrashEntryNotFound.</summary>
    IRbdImage OpenImageInTrash(string pool, string id, string? snapshot = null);

    /// <summary>rbd clone: EINVAL unless the parent snapshot is protected.</summary>
    void Clone(string parentPool, string parentImage, string parentSnapshot,
               string childPool, string childImage, ImageOptions options);

    /// <summary>Opens an image, or a read-only view of one of its snapshots.</summary>
    IRbdImage OpenImage(string pool, string image, string? snapshot = null);

    /// <summary>
    /// Runs <paramref name="work"/> as one unit where the backend can: the embedded store commits it once, so a
    /// killed process leaves none of it; librbd has no transactions and runs it as it is. On both, what an action
    /// created is removed when it fails or is stopped: that is <see cref="Undo"/>'s, not this method's.
    /// Nested calls join the outer one.
    /// </summary>
    T Grouped<T>(Func<T> work);

    /// <summary>
    /// Runs a read-only <paramref name="work"/> (a listing) against one consistent state where the backend can: the
    /// embedded store reads one snapshot of its index, so nothing listed vanishes before it is opened; librbd has
    /// no such view, and a listing skips what another client removes meanwhile (<see cref="Listing"/>).
    /// </summary>
    T Consistent<T>(Func<T> work);
}

public static class RbdClusterExtensions
{
    public static void Grouped(this IRbdCluster cluster, Action work) =>
        cluster.Grouped<bool>(() => { work(); return true; });
}
