namespace RbdPowerShell.Engine.Embedded;

/// <summary>Children and flatten of an embedded image.</summary>
internal sealed partial class EmbeddedImage
{
    public IReadOnlyList<ChildSpec> ListChildren() => ListAllChildren().Where(c => c.TrashId is null).ToList();

    public IReadOnlyList<ChildSpec> ListAllChildren() => _cluster.Read(() =>
    {
        var view = CurrentView();
        if (view.Snap is null) return (IReadOnlyList<ChildSpec>)Array.Empty<ChildSpec>();
        return Catalog.Children(view.Snap.Id)
            .Select(c => new ChildSpec(c.Pool, c.Name) { TrashId = c.InTrash ? c.RbdId : null })
            .OrderBy(c => c.Pool, StringComparer.Ordinal).ThenBy(c => c.Image, StringComparer.Ordinal).ToList();
    });

    /// <summary>
    /// rbd flatten with deep-flatten: every object the head or a snapshot still reads from the parent chain
    /// is copied into this image, then the image and its snapshots forget their parent.
    /// </summary>
    public void Flatten(ProgressHandler? progress = null) => _cluster.Write(() =>
    {
        var head = Head();
        if (head.ParentSnap is not long parent)
            throw Refusals.ImageHasNoParent(head.Spec);
        var snaps = Catalog.Snaps(head.Image.Id);
        ulong overlap = snaps.Where(s => s.ParentSnap is not null).Select(s => s.Overlap).Append(head.Overlap).Max();
        long epoch = Io.HeadEpoch(head.Image.Id);
        var parentView = Io.ParentView(parent);
        ulong total = Math.Max(1, (overlap + head.ObjectSize - 1) >> head.Order);
        long last = -1;
        foreach (var extent in _cluster.Walker.Allocated(parentView, overlap))
        {
            long first = Math.Max(last + 1, (long)(extent.Start >> head.Order));
            long end = (long)((extent.End - 1) >> head.Order);
            for (long objectNo = first; objectNo <= end; objectNo++)
            {
                Io.CopyUp(head, epoch, objectNo);
                progress?.Invoke((ulong)objectNo + 1, total);
            }
            last = Math.Max(last, end);
        }
        Catalog.UpdateHead(head.Image.Id, head.Size, null, 0);
        _cluster.Index.Execute("UPDATE snaps SET parent_snap=NULL, overlap=0 WHERE image_id=$i", ("$i", head.Image.Id));
        progress?.Invoke(total, total);
    });
}
