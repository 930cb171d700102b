namespace RbdPowerShell.Engine.Embedded;

/// <summary>Snapshots of an embedded image: O(1) create, merge of versions on remove, protect, rollback.</summary>
internal sealed partial class EmbeddedImage
{
    public IReadOnlyList<SnapshotInfo> ListSnapshots() => _cluster.Read(() =>
        Catalog.Snaps(_imageId).Select(s => s.Info).ToList());

    public void CreateSnapshot(string name)
    {
        NameRules.Check(name, "snapshot", $"{Pool}/{Name}@{name}");
        _cluster.Write(() =>
        {
            var head = Head();
            if (Catalog.FindSnap(head.Image.Id, name) is not null)
                throw Refusals.SnapshotExists($"{head.Spec}@{name}");
            Catalog.AddSnap(head.Image, Catalog.NextSnapId(head.Image.PoolId), name);
        });
    }

    public void RemoveSnapshot(string name) => _cluster.Write(() =>
    {
        var head = Head();
        var snap = Catalog.Snap(head.Image, name);
        string spec = $"{head.Spec}@{name}";
        if (snap.Protected)
            throw Refusals.SnapshotProtected(spec);
        RefuseChildren(snap, spec, "removed");
        MergeAway(head.Image.Id, snap);
        _cluster.Index.Execute("DELETE FROM snaps WHERE id=$s", ("$s", snap.Id));
    });

    /// <summary>
    /// Versions written after <paramref name="snap"/> move to the previous snapshot's epoch; versions only
    /// that snapshot saw are freed (as the OSD's snap trimmer does).
    /// </summary>
    private void MergeAway(long imageId, SnapRow snap)
    {
        long previous = (long)(Catalog.Snaps(imageId).Where(s => s.SnapId < snap.SnapId).Select(s => s.SnapId).DefaultIfEmpty(0UL).Max());
        var versions = _cluster.Versions;
        var older = versions.AtEpoch(imageId, previous).ToDictionary(v => v.ObjectNo);
        foreach (var version in versions.AtEpoch(imageId, (long)snap.SnapId))
        {
            var changed = version.Changed.Clone();
            if (older.TryGetValue(version.ObjectNo, out var superseded))
            {
                changed.UnionWith(superseded.Changed);
                versions.Delete(imageId, superseded);
            }
            versions.Delete(imageId, version);
            versions.Put(imageId, version with { Epoch = previous, Changed = changed }, null);
        }
    }

    public void ProtectSnapshot(string name) => _cluster.Write(() =>
    {
        var head = Head();
        var snap = Catalog.Snap(head.Image, name);
        if (snap.Protected)
            throw Refusals.SnapshotAlreadyProtected($"{head.Spec}@{name}");
        if ((head.Image.Features & RbdFeatures.Layering) == 0)
            throw Refusals.LayeringDisabledForProtect(head.Spec, $"{head.Spec}@{name}");
        SetProtected(snap, true);
    });

    public void UnprotectSnapshot(string name) => _cluster.Write(() =>
    {
        var head = Head();
        var snap = Catalog.Snap(head.Image, name);
        string spec = $"{head.Spec}@{name}";
        if (!snap.Protected)
            throw Refusals.SnapshotAlreadyUnprotected(spec);
        RefuseChildren(snap, spec, "unprotected");
        SetProtected(snap, false);
    });

    private void SetProtected(SnapRow snap, bool value) =>
        _cluster.Index.Execute("UPDATE snaps SET protected=$p WHERE id=$s", ("$p", value ? 1 : 0), ("$s", snap.Id));

    private void RefuseChildren(SnapRow snap, string spec, string verb)
    {
        var children = Catalog.Children(snap.Id);
        if (children.Count > 0)
            throw Refusals.SnapshotHasChildren(spec, children.Select(c => $"{c.Pool}/{c.Name}"), verb);
    }

    public void RenameSnapshot(string name, string newName)
    {
        NameRules.Check(newName, "snapshot", $"{Pool}/{Name}@{newName}");
        _cluster.Write(() =>
        {
            var head = Head();
            var snap = Catalog.Snap(head.Image, name);
            if (Catalog.FindSnap(head.Image.Id, newName) is not null)
                throw Refusals.SnapshotExists($"{head.Spec}@{newName}");
            _cluster.Index.Execute("UPDATE snaps SET name=$n WHERE id=$s", ("$n", newName), ("$s", snap.Id));
        });
    }

    /// <summary>
    /// rbd snap rollback: the head takes the snapshot's size and every object's data. As in librbd the
    /// parent overlap never grows back; where the snapshot still read parent data past the head's overlap,
    /// that data is copied into the head so the image reads exactly as the snapshot.
    /// </summary>
    public void RollbackSnapshot(string name, ProgressHandler? progress = null) => _cluster.Write(() =>
    {
        var head = Head();
        var snap = Catalog.Snap(head.Image, name);
        var target = new View(head.Image, snap);
        ulong oldSize = head.Size;
        Catalog.UpdateHead(head.Image.Id, snap.Size, head.Image.ParentSnap, Math.Min(head.Image.Overlap, snap.Size));
        head = CurrentView();
        if (snap.Size < oldSize) Trim(head, oldSize, null);
        long epoch = Io.HeadEpoch(head.Image.Id);
        ulong total = Math.Max(1, (target.Size + target.ObjectSize - 1) >> target.Order);
        var restored = new HashSet<long>();
        foreach (var versions in _cluster.Versions.ObjectsIn(head.Image.Id, 0, long.MaxValue))
        {
            Io.Restore(head, target, epoch, versions, versions[0].ObjectNo);
            restored.Add(versions[0].ObjectNo);
            progress?.Invoke((ulong)versions[0].ObjectNo, total);
        }
        if (target.ParentSnap is long parent && target.Overlap > head.Overlap)
            foreach (var extent in _cluster.Walker.Allocated(Io.ParentView(parent), target.Overlap))
                for (long objectNo = (long)(Math.Max(extent.Start, head.Overlap) >> head.Order);
                     extent.End > head.Overlap && objectNo <= (long)((extent.End - 1) >> head.Order); objectNo++)
                    if (restored.Add(objectNo)) Io.Restore(head, target, epoch, Array.Empty<ObjectVersion>(), objectNo);
        progress?.Invoke(total, total);
    });
}
