namespace RbdPowerShell.Engine.Embedded;

/// <summary>An image extent reported by diff-iterate: Exists=false means it now reads as zeros.</summary>
internal readonly record struct Extent(ulong Start, ulong End, bool Exists);

/// <summary>
/// Walks object versions to find what a view holds (allocated extents, through the parent chain) and what
/// changed between two views of one image, the way librbd's diff-iterate reports it from RADOS snap sets.
/// </summary>
internal sealed class ExtentWalker
{
    private readonly VersionTable _versions;
    private readonly ObjectIo _io;
    private readonly Catalog _catalog;

    public ExtentWalker(VersionTable versions, ObjectIo io, Catalog catalog)
    {
        _versions = versions;
        _io = io;
        _catalog = catalog;
    }

    private static long LastObject(View view, ulong limit) => limit == 0 ? -1 : (long)((limit - 1) >> view.Order);

    /// <summary>Allocated extents of a view below <paramref name="limit"/>, its own objects and what it inherits, in order.</summary>
    public IEnumerable<Extent> Allocated(View view, ulong limit)
    {
        var own = OwnObjects(view, limit).GetEnumerator();
        var inherited = Inherited(view, limit).GetEnumerator();
        bool hasOwn = own.MoveNext(), hasInherited = inherited.MoveNext();
        while (hasOwn || hasInherited)
        {
            long ownNo = hasOwn ? own.Current.ObjectNo : long.MaxValue;
            long inheritedNo = hasInherited ? (long)(inherited.Current.Start >> view.Order) : long.MaxValue;
            if (ownNo <= inheritedNo && hasOwn)
            {
                var version = own.Current;
                hasOwn = own.MoveNext();
                if (version.Present)
                {
                    ulong start = (ulong)version.ObjectNo << view.Order;
                    ulong end = Math.Min(start + version.Size, limit);
                    if (end > start) yield return new Extent(start, end, true);
                    while (hasInherited && (long)(inherited.Current.Start >> view.Order) == version.ObjectNo)
                        hasInherited = inherited.MoveNext();
                }
                continue;
            }
            yield return inherited.Current;
            hasInherited = inherited.MoveNext();
        }
    }

    /// <summary>The newest version each object has in the view (present or whiteout), in object order.</summary>
    private IEnumerable<ObjectVersion> OwnObjects(View view, ulong limit)
    {
        foreach (var versions in _versions.ObjectsIn(view.Image.Id, 0, LastObject(view, limit)))
        {
            var seen = versions.LastOrDefault(v => v.Epoch < view.EpochLimit);
            if (seen is not null) yield return seen;
        }
    }

    /// <summary>The parent's allocated extents within the overlap, cut at this view's object boundaries.</summary>
    private IEnumerable<Extent> Inherited(View view, ulong limit)
    {
        if (view.ParentSnap is not long parent) yield break;
        ulong overlap = Math.Min(view.Overlap, limit);
        foreach (var extent in Allocated(_io.ParentView(parent), overlap))
            for (ulong start = extent.Start; start < extent.End;)
            {
                ulong objectEnd = ((start >> view.Order) + 1) << view.Order;
                ulong end = Math.Min(extent.End, objectEnd);
                yield return new Extent(start, end, true);
                start = end;
            }
    }

    /// <summary>
    /// Extents that changed between <paramref name="from"/> (null: the image's creation) and <paramref name="to"/>,
    /// in offset order, merged within each object and never crossing one (librbd diff_iterate2).
    /// </summary>
    public IEnumerable<Extent> Changed(View to, SnapRow? from, ulong offset, ulong length, bool includeParent, bool wholeObject)
    {
        ulong limit = Math.Min(to.Size, offset + length);
        var extents = from is null && includeParent ? WithParent(to, limit, wholeObject) : OwnChanges(to, from, limit, wholeObject).SelectMany(d => d.Extents);
        var perObject = new List<Extent>();
        long currentObject = -1;
        foreach (var extent in extents)
        {
            long objectNo = (long)(extent.Start >> to.Order);
            if (objectNo != currentObject)
            {
                foreach (var e in Finish(to, perObject, offset, limit, wholeObject)) yield return e;
                perObject.Clear();
                currentObject = objectNo;
            }
            perObject.Add(extent);
        }
        foreach (var e in Finish(to, perObject, offset, limit, wholeObject)) yield return e;
    }

    /// <summary>Clips one object's extents to the requested range, merges neighbours, or widens to the whole object.</summary>
    private static IEnumerable<Extent> Finish(View view, List<Extent> extents, ulong offset, ulong limit, bool wholeObject)
    {
        if (extents.Count == 0) yield break;
        if (wholeObject)
        {
            ulong objectStart = extents[0].Start >> view.Order << view.Order;
            ulong start = Math.Max(objectStart, offset), end = Math.Min(objectStart + view.ObjectSize, limit);
            // Own changes arrive already widened and say whether the object exists at the end.
            if (end > start) yield return new Extent(start, end, extents.Any(e => e.Exists));
            yield break;
        }
        Extent? pending = null;
        foreach (var raw in extents.OrderBy(e => e.Start))
        {
            var e = raw with { Start = Math.Max(raw.Start, offset), End = Math.Min(raw.End, limit) };
            if (e.End <= e.Start) continue;
            if (pending is { } p && p.End == e.Start && p.Exists == e.Exists) { pending = p with { End = e.End }; continue; }
            if (pending is { } done) yield return done;
            pending = e;
        }
        if (pending is { } last) yield return last;
    }

    /// <summary>
    /// Changes since creation including what the view inherits: an object that exists at the end reports its
    /// own changes, any other reports the parent's (within the overlap), as librbd lists from the parent.
    /// </summary>
    private IEnumerable<Extent> WithParent(View view, ulong limit, bool wholeObject)
    {
        var own = OwnChanges(view, null, limit, wholeObject).GetEnumerator();
        var inherited = InheritedChanges(view, limit).GetEnumerator();
        bool hasOwn = own.MoveNext(), hasInherited = inherited.MoveNext();
        while (hasOwn || hasInherited)
        {
            long ownNo = hasOwn ? own.Current.ObjectNo : long.MaxValue;
            long inheritedNo = hasInherited ? (long)(inherited.Current.Start >> view.Order) : long.MaxValue;
            if (hasOwn && ownNo <= inheritedNo)
            {
                var diff = own.Current;
                hasOwn = own.MoveNext();
                if (!diff.Exists) continue;
                foreach (var extent in diff.Extents) yield return extent;
                while (hasInherited && (long)(inherited.Current.Start >> view.Order) == diff.ObjectNo)
                    hasInherited = inherited.MoveNext();
                continue;
            }
            yield return inherited.Current;
            hasInherited = inherited.MoveNext();
        }
    }

    /// <summary>The parent's changes since its creation within the overlap, cut at this view's object boundaries.</summary>
    private IEnumerable<Extent> InheritedChanges(View view, ulong limit)
    {
        if (view.ParentSnap is not long parent) yield break;
        ulong overlap = Math.Min(view.Overlap, limit);
        foreach (var extent in Changed(_io.ParentView(parent), null, 0, overlap, includeParent: true, wholeObject: false))
            for (ulong start = extent.Start; start < extent.End;)
            {
                ulong end = Math.Min(extent.End, ((start >> view.Order) + 1) << view.Order);
                yield return new Extent(start, end, extent.Exists);
                start = end;
            }
    }

    /// <summary>One object's changes between two views, and whether it exists at the end.</summary>
    private readonly record struct ObjectDiff(long ObjectNo, bool Exists, List<Extent> Extents);

    /// <summary>
    /// What this image's own objects changed between two views, by the rules of RADOS's calc_snap_set_diff:
    /// each version after the start contributes what it changed within the previous version's size (the clone
    /// overlap it broke) and its growth past that size; an object created since contributes its whole size; a
    /// shrink is reported as zeroed; an object gone at the end is zeroed whole. Whole-object mode reports every object with a version after the start, as
    /// fast-diff's object map marks them.
    /// </summary>
    private IEnumerable<ObjectDiff> OwnChanges(View to, SnapRow? from, ulong limit, bool wholeObject)
    {
        long fromLimit = from is null ? long.MinValue : (long)from.SnapId;
        // fast-diff forgets an object once a snapshot in between was too small to hold it
        ulong narrowest = _catalog.NarrowestSnap(to.Image.Id, fromLimit, to.EpochLimit) ?? ulong.MaxValue;
        // Objects with no version written between the two views did not change: only the others are read.
        foreach (var versions in _versions.WrittenIn(to.Image.Id, fromLimit, to.EpochLimit, 0, LastObject(to, limit)))
        {
            var before = from is null ? null : versions.LastOrDefault(v => v.Epoch < fromLimit);
            var after = versions.LastOrDefault(v => v.Epoch < to.EpochLimit);
            if (after is null || ReferenceEquals(before, after)) continue;
            long objectNo = after.ObjectNo;
            ulong start = (ulong)objectNo << to.Order;
            bool had = before is { Present: true }, has = after.Present;
            var extents = new List<Extent>();
            if (wholeObject)
            {
                if (has || (had && start < narrowest)) extents.Add(new Extent(start, start + to.ObjectSize, has));
                yield return new ObjectDiff(objectNo, has, extents);
                continue;
            }
            ulong startSize = had ? before!.Size : 0;
            if (!has)
            {
                if (startSize > 0) extents.Add(new Extent(start, start + startSize, false));
                yield return new ObjectDiff(objectNo, false, extents);
                continue;
            }
            var changed = new IntervalSet();
            bool existed = had;
            ulong size = startSize;
            long afterEpoch = before?.Epoch ?? long.MinValue;
            foreach (var v in versions.Where(v => v.Epoch > afterEpoch && v.Epoch <= after.Epoch))
            {
                if (!existed)
                {
                    if (v.Present) changed.Insert(0, v.Size);
                }
                else
                {
                    var modified = v.Changed.Clone();
                    modified.Clip(0, size);
                    changed.UnionWith(modified);
                    if (v.Present && v.Size > size) changed.Insert(size, v.Size - size);
                }
                existed = v.Present;
                size = v.Present ? v.Size : 0;
            }
            var zeroed = new IntervalSet();
            if (after.Size < startSize) zeroed.Insert(after.Size, startSize - after.Size);
            changed.Erase(after.Size, startSize > after.Size ? startSize - after.Size : 0);
            changed.Clip(0, to.ObjectSize);
            foreach (var (s, e) in changed.Ranges) extents.Add(new Extent(start + s, start + e, true));
            foreach (var (s, e) in zeroed.Ranges) extents.Add(new Extent(start + s, start + e, false));
            yield return new ObjectDiff(objectNo, true, extents);
        }
    }
}
