using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>Snapshots of a librbd image, with the embedded store's refusals checked before each call.</summary>
internal sealed unsafe partial class CephImage
{
    public IReadOnlyList<SnapshotInfo> ListSnapshots()
    {
        for (int max = 16; ; max *= 2)
        {
            var snaps = new SnapInfoNative[max];
            int count = max;
            fixed (SnapInfoNative* p = snaps)
            {
                int rc = Rbd.rbd_snap_list(_handle, p, ref count);
                if (rc == -34) { max = Math.Max(max, count); continue; }
                Check(rc, "Listing the snapshots of");
                var result = new List<SnapshotInfo>(rc);
                try
                {
                    for (int i = 0; i < rc; i++)
                    {
                        string name = NativeStrings.Read(p[i].Name);
                        Check(Rbd.rbd_snap_is_protected(_handle, name, out int isProtected), "Reading the protection of");
                        Check(Rbd.rbd_snap_get_timestamp(_handle, p[i].Id, out var timestamp), "Reading the time of");
                        result.Add(new SnapshotInfo(p[i].Id, name, p[i].Size, isProtected != 0, timestamp.ToDateTime()));
                    }
                }
                finally { Rbd.rbd_snap_list_end(p); }
                return result.OrderBy(s => s.Id).ToList();
            }
        }
    }

    private SnapshotInfo Snap(string name) =>
        ListSnapshots().FirstOrDefault(s => s.Name == name) ?? throw Refusals.SnapshotNotFound(ImageSpec, name);

    private string SnapSpec(string name) => $"{ImageSpec}@{name}";

    public void CreateSnapshot(string name)
    {
        RequireHead();
        NameRules.Check(name, "snapshot", SnapSpec(name));
        int rc = Rbd.rbd_snap_create(_handle, name);
        if (rc == -17) throw Refusals.SnapshotExists(SnapSpec(name));
        Check(rc, "Creating a snapshot of");
    }

    public void RemoveSnapshot(string name)
    {
        RequireHead();
        if (Snap(name).Protected) throw Refusals.SnapshotProtected(SnapSpec(name));
        RefuseChildren(name, "removed");
        Check(Rbd.rbd_snap_remove(_handle, name), "Removing a snapshot of");
    }

    public void ProtectSnapshot(string name)
    {
        RequireHead();
        if (Snap(name).Protected) throw Refusals.SnapshotAlreadyProtected(SnapSpec(name));
        Check(Rbd.rbd_get_features(_handle, out ulong features), "Reading the features of");
        if (((RbdFeatures)features & RbdFeatures.Layering) == 0) throw Refusals.LayeringDisabledForProtect(ImageSpec, SnapSpec(name));
        Check(Rbd.rbd_snap_protect(_handle, name), "Protecting a snapshot of");
    }

    public void UnprotectSnapshot(string name)
    {
        RequireHead();
        if (!Snap(name).Protected) throw Refusals.SnapshotAlreadyUnprotected(SnapSpec(name));
        RefuseChildren(name, "unprotected");
        Check(Rbd.rbd_snap_unprotect(_handle, name), "Unprotecting a snapshot of");
    }

    private void RefuseChildren(string name, string verb)
    {
        using var view = Open(_cluster, Pool, Name, name);
        var children = view.ListAllChildren();
        if (children.Count > 0) throw Refusals.SnapshotHasChildren(SnapSpec(name), children.Select(c => c.ToString()), verb);
    }

    public void RollbackSnapshot(string name, ProgressHandler? progress = null)
    {
        RequireHead();
        Snap(name);
        Check(NativeCallbacks.WithProgress(progress, (cb, arg) => Rbd.rbd_snap_rollback_with_progress(_handle, name, cb, arg)), "Rolling back");
    }

    public void RenameSnapshot(string name, string newName)
    {
        RequireHead();
        NameRules.Check(newName, "snapshot", SnapSpec(newName));
        Snap(name);
        int rc = Rbd.rbd_snap_rename(_handle, name, newName);
        if (rc == -17) throw Refusals.SnapshotExists(SnapSpec(newName));
        Check(rc, "Renaming a snapshot of");
    }
}
