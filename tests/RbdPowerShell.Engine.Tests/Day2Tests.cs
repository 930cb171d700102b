namespace RbdPowerShell.Engine.Tests;

public sealed class EmbeddedDay2Tests() : Day2Tests(Backend.Embedded);
public sealed class CephDay2Tests() : Day2Tests(Backend.Ceph);

/// <summary>
/// The day-2 seam calls (image metadata, feature updates, watchers, snapshot purge and rename, diff listing) give the same
/// values and refuse with the same ErrorIds on both backends; a refusal changes nothing.
/// </summary>
public abstract class Day2Tests : IDisposable
{
    private const string Pool = "p";
    private readonly TempStore _store;
    private IRbdCluster Cluster => _store.Cluster;

    protected Day2Tests(Backend backend)
    {
        _store = new TempStore(backend);
        Cluster.CreatePool(Pool);
        Cluster.CreateImage(Pool, "img", 8 << 20, ImageOptions.Default);
    }

    private IRbdImage Open(string? snapshot = null) => Cluster.OpenImage(Pool, "img", snapshot);

    private static void Refused(string errorId, RbdErrno errno, Action action)
    {
        var ex = Assert.Throws<RbdException>(action);
        Assert.Equal((errorId, errno), (ex.ErrorId, ex.Errno));
    }

    [Fact]
    public void Metadata_is_listed_in_key_order_replaced_and_removed()
    {
        using (var image = Open())
        {
            Assert.Empty(image.ListMetadata());
            image.SetMetadata("zeta", "1");
            image.SetMetadata("alpha", "a value with spaces");
            image.SetMetadata("conf_rbd_cache", "false");
            image.SetMetadata("alpha", "replaced");
            image.SetMetadata("empty", "");
        }
        _store.Reopen();
        using var reopened = Open();
        Assert.Equal(new[] { "alpha=replaced", "conf_rbd_cache=false", "empty=", "zeta=1" },
                     reopened.ListMetadata().Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal("replaced", reopened.GetMetadata("alpha"));
        reopened.RemoveMetadata("zeta");
        Assert.Equal(new[] { "alpha", "conf_rbd_cache", "empty" }, reopened.ListMetadata().Select(p => p.Key));
    }

    [Fact]
    public void Missing_keys_and_bad_overrides_are_refused_as_rbd_refuses_them()
    {
        using var image = Open();
        image.SetMetadata("keep", "v");
        Refused("ImageMetaNotFound", RbdErrno.ENOENT, () => image.GetMetadata("nokey"));
        Refused("ImageMetaNotFound", RbdErrno.ENOENT, () => image.RemoveMetadata("nokey"));
        Refused("ImageMetaOverrideNotAllowed", RbdErrno.EINVAL, () => image.SetMetadata("conf_rbd_nosuch", "x"));
        Refused("InvalidImageMetaValue", RbdErrno.EINVAL, () => image.SetMetadata("conf_rbd_cache", "yes"));
        Refused("InvalidImageMetaValue", RbdErrno.EINVAL, () => image.SetMetadata("conf_rbd_qos_iops_limit", "abc"));
        Refused("InvalidImageMetaValue", RbdErrno.EINVAL, () => image.SetMetadata("conf_rbd_cache_policy", "WriteBack"));
        Refused("ImageMetaKeyMissing", RbdErrno.EINVAL, () => image.SetMetadata("", "x"));
        foreach (var (key, value) in new[] { ("conf_rbd_cache", "TRUE"), ("conf_rbd_qos_iops_limit", "10K"),
                                             ("conf_rbd_cache_max_dirty_age", "2.5"), ("conf_", "plain key") })
            image.SetMetadata(key, value);
        Assert.Equal(new[] { "conf_", "conf_rbd_cache", "conf_rbd_cache_max_dirty_age", "conf_rbd_qos_iops_limit", "keep" },
                     image.ListMetadata().Select(p => p.Key));
    }

    [Fact]
    public void Metadata_goes_with_a_clone_a_copy_and_an_export_format_2_as_in_rbd()
    {
        using (var image = Open())
        {
            image.SetMetadata("owner", "team-a");
            image.SetMetadata("conf_rbd_cache", "false");
            image.CreateSnapshot("s");
            image.ProtectSnapshot("s");
        }
        Cluster.Clone(Pool, "img", "s", Pool, "clone", ImageOptions.Default);
        ImageCopy.Run(Cluster, Pool, "img", null, Cluster, Pool, "copy");
        var stream = new MemoryStream();
        ImageExportV2.Run(Cluster, Pool, "img", stream);
        stream.Position = 0;
        ImageImportV2.Run(Cluster, stream, Pool, "imported", ImageOptions.Default);
        foreach (var name in new[] { "clone", "copy", "imported" })
        {
            using var other = Cluster.OpenImage(Pool, name);
            Assert.Equal(new[] { "conf_rbd_cache=false", "owner=team-a" }, other.ListMetadata().Select(p => $"{p.Key}={p.Value}"));
        }
        // rbd's record for owner=team-a: 'M', le64 19, le32 5 "owner", le32 6 "team-a"
        byte[] record = [(byte)'M', 19, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, .. "owner"u8, 6, 0, 0, 0, .. "team-a"u8];
        Assert.True(stream.ToArray().AsSpan().IndexOf(record) > 0);
    }

    [Fact]
    public void A_snapshot_handle_reads_the_metadata_but_cannot_change_it()
    {
        using (var image = Open())
        {
            image.SetMetadata("k", "v");
            image.CreateSnapshot("s1");
        }
        using var snap = Open("s1");
        Assert.Equal("v", snap.GetMetadata("k"));
        Refused("SnapshotReadOnly", RbdErrno.EROFS, () => snap.SetMetadata("k", "w"));
        Refused("SnapshotReadOnly", RbdErrno.EROFS, () => snap.RemoveMetadata("k"));
        Refused("SnapshotReadOnly", RbdErrno.EROFS, () => snap.UpdateFeatures(RbdFeatures.FastDiff, false));
    }

    [Fact]
    public void Features_follow_rbds_rules_step_by_step()
    {
        using var image = Open();
        var steps = new (RbdFeatures Features, bool Enable, string Expected)[]
        {
            (RbdFeatures.ExclusiveLock, false, "ExclusiveLockInUse"),
            (RbdFeatures.FastDiff, false, "layering, exclusive-lock, deep-flatten"),
            (RbdFeatures.ObjectMap, false, "FeatureAlreadyDisabled"),
            (RbdFeatures.ObjectMap, true, "layering, exclusive-lock, object-map, fast-diff, deep-flatten"),
            (RbdFeatures.ObjectMap, false, "layering, exclusive-lock, deep-flatten"),
            (RbdFeatures.ExclusiveLock, false, "layering, deep-flatten"),
            (RbdFeatures.FastDiff, true, "FeatureNeedsExclusiveLock"),
            (RbdFeatures.Journaling, true, "FeatureNeedsExclusiveLock"),
            (RbdFeatures.ExclusiveLock | RbdFeatures.Journaling, true, "layering, exclusive-lock, deep-flatten, journaling"),
            (RbdFeatures.ExclusiveLock, true, "FeatureAlreadyEnabled"),
            (RbdFeatures.Layering, true, "FeatureImmutable"),
            (RbdFeatures.Striping, true, "FeatureImmutable"),
            (RbdFeatures.DeepFlatten, true, "FeatureImmutable"),
            (RbdFeatures.Layering, false, "FeatureImmutable"),
            (RbdFeatures.ExclusiveLock | RbdFeatures.Journaling, false, "layering, deep-flatten"),
            (RbdFeatures.DeepFlatten, false, "layering"),
            (RbdFeatures.DeepFlatten, false, "FeatureAlreadyDisabled"),
            (RbdFeatures.None, true, "FeatureRequired"),
        };
        foreach (var (features, enable, expected) in steps)
        {
            var before = image.Stat().Features;
            string outcome;
            try { outcome = FeatureNames.Text(image.UpdateFeatures(features, enable)); }
            catch (RbdException ex)
            {
                Assert.Equal(RbdErrno.EINVAL, ex.Errno);
                Assert.Equal(before, image.Stat().Features);
                outcome = ex.ErrorId;
            }
            Assert.True(expected == outcome, $"{(enable ? "enable" : "disable")} {FeatureNames.Text(features)}: expected {expected}, got {outcome}");
            if (!expected.StartsWith("Feature") && !expected.StartsWith("Exclusive"))
                Assert.Equal(expected, FeatureNames.Text(image.Stat().Features));
        }
    }

    [Fact]
    public void Watchers_are_none_on_ceph_for_an_idle_image_and_unknown_on_the_embedded_store()
    {
        using var image = Open();
        var watchers = image.ListWatchers();
        if (_store.Backend == Backend.Embedded) Assert.Null(watchers);
        else Assert.Empty(watchers!);
    }

    [Fact]
    public void The_watcher_struct_has_librbds_layout() =>
        Assert.Equal(24, System.Runtime.InteropServices.Marshal.SizeOf<Ceph.Native.ImageWatcherNative>());

    [Fact]
    public void Watchers_on_ceph_show_another_open_handle()
    {
        if (_store.Backend != Backend.Ceph) return;
        using var other = Open();
        other.Write(0, new byte[4096]);
        using var image = Open();
        var watcher = Assert.Single(image.ListWatchers()!);
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+:\d+/\d+$", watcher.Address);
        Assert.True(watcher.Client > 0 && watcher.Cookie > 0);
        image.CreateSnapshot("s1");
        using var snap = Open("s1");
        Assert.Equal(2, snap.ListWatchers()!.Count);
    }

    [Fact]
    public void Purge_removes_every_unprotected_snapshot_and_reports_the_protected()
    {
        using var image = Open();
        foreach (var name in new[] { "s1", "s2", "s3", "s4" }) image.CreateSnapshot(name);
        image.ProtectSnapshot("s2");
        var declined = SnapshotPurge.Run(image, _ => false);
        Assert.Empty(declined.Removed);
        Assert.Equal(4, image.ListSnapshots().Count);
        var result = SnapshotPurge.Run(image, s => s.Name != "s4");
        Assert.Equal(new[] { "s1", "s3" }, result.Removed);
        Assert.Equal(new[] { "s2" }, result.Protected);
        Assert.Equal(new[] { "s2", "s4" }, image.ListSnapshots().Select(s => s.Name));
    }

    [Fact]
    public void Snapshot_rename_refuses_as_rbd_does()
    {
        using var image = Open();
        image.CreateSnapshot("s1");
        image.CreateSnapshot("s2");
        image.ProtectSnapshot("s1");
        Refused("SnapshotExists", RbdErrno.EEXIST, () => image.RenameSnapshot("s1", "s2"));
        Refused("SnapshotExists", RbdErrno.EEXIST, () => image.RenameSnapshot("s1", "s1"));
        Refused("SnapshotNotFound", RbdErrno.ENOENT, () => image.RenameSnapshot("nos", "x"));
        image.RenameSnapshot("s1", "gold");
        var gold = Assert.Single(image.ListSnapshots(), s => s.Name == "gold");
        Assert.True(gold.Protected);
        using var snap = Open("s2");
        Refused("SnapshotReadOnly", RbdErrno.EROFS, () => snap.RenameSnapshot("s2", "s3"));
    }

    [Fact]
    public void Diff_listing_gives_rbds_rows_and_json()
    {
        using var image = Open();
        image.Write(0, Enumerable.Repeat((byte)7, 4096).ToArray());
        image.Write((4 << 20) + 8192, new byte[8192]);
        image.CreateSnapshot("s1");
        image.Discard(4 << 20, 4 << 20);
        var all = DiffListing.List(image, null, wholeObject: false);
        Assert.Equal(new[] { new DiffExtent(0, 4096, true) }, all);
        var since = DiffListing.List(image, "s1", wholeObject: true);
        Assert.Equal(new[] { new DiffExtent(4 << 20, 4 << 20, false) }, since);
        Assert.Equal("""[{"offset":4194304,"length":4194304,"exists":"false"}]""", DiffListing.ToJson(since));
        Assert.Equal("[]", DiffListing.ToJson(Array.Empty<DiffExtent>()));
        image.CreateSnapshot("s2");
        using var s1 = Open("s1");
        Assert.Empty(DiffListing.List(s1, "s1", wholeObject: false));
        Refused("InvalidSnapshotOrder", RbdErrno.EINVAL, () => DiffListing.List(s1, "s2", wholeObject: false));
    }

    public void Dispose() => _store.Dispose();
}
