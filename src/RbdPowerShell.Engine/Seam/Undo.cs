namespace RbdPowerShell.Engine;

/// <summary>
/// The contract both backends keep for long actions: what an action created is removed when it fails or is
/// stopped (Ctrl+C), as rbd import removes its half-made image. On the embedded store the grouped transaction
/// has usually undone it already; on librbd this is the only undo.
/// </summary>
public static class Undo
{
    /// <summary>
    /// Runs <paramref name="create"/> (which makes pool/image) then <paramref name="fill"/>; when the fill fails or is
    /// stopped, removes the image it made (with its snapshots) and rethrows. A failed create removes nothing: the
    /// name may belong to an image that was there before.
    /// </summary>
    public static void CreateAndFill(IRbdCluster cluster, string pool, string image, Action create, Action fill)
    {
        bool created = false;
        try
        {
            cluster.Grouped(() =>
            {
                create();
                created = true;
                fill();
            });
        }
        catch
        {
            if (created) TryRemove(cluster, pool, image);
            throw;
        }
    }

    /// <summary>Removes an image and every snapshot of it, ignoring what is already gone; never throws.</summary>
    public static bool TryRemove(IRbdCluster cluster, string pool, string image)
    {
        try
        {
            using (var handle = cluster.OpenImage(pool, image))
                foreach (var snap in handle.ListSnapshots())
                {
                    if (snap.Protected) handle.UnprotectSnapshot(snap.Name);
                    handle.RemoveSnapshot(snap.Name);
                }
            cluster.RemoveImage(pool, image);
            return true;
        }
        catch (RbdException)
        {
            return false;
        }
    }
}
