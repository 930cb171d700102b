namespace RbdPowerShell.Engine.Tests;

public sealed class EmbeddedTrashTests() : TrashTests(Backend.Embedded);
public sealed class CephTrashTests() : TrashTests(Backend.Ceph);

/// <summary>rbd trash mv/ls/restore/rm with rbd 16.2's rules (checked against the rbd tool), on both backends.</summary>
public abstract class TrashTests : IDisposable
{
    private const ulong MiB = 1 << 20;
    private const string Pool = "openstack";
    private readonly TempStore _store;
    private IRbdCluster Cluster => _store.Cluster;

    protected TrashTests(Backend backend)
    {
        _store = new TempStore(backend);
        Cluster.CreatePool(Pool);
        Cluster.CreateImage(Pool, "a", 8 * MiB, ImageOptions.Default);
        using var image = Cluster.OpenImage(Pool, "a");
        image.Write(0, new byte[] { 1, 2, 3 });
    }

    public void Dispose() => _store.Dispose();

    private TrashEntry Trash(string image, TimeSpan delay = default)
    {
        string id;
        using (var opened = Cluster.OpenImage(Pool, image)) id = opened.Stat().Id;
        Cluster.MoveToTrash(Pool, image, delay);
        return Assert.Single(Cluster.ListTrash(Pool), e => e.Id == id);
    }

    [Fact]
    public void An_image_in_the_trash_keeps_its_id_and_data_and_frees_its_name()
    {
        var entry = Trash("a", TimeSpan.FromMinutes(10));
        Assert.Equal(("a", TrashSource.User), (entry.Name, entry.Source));
        Assert.InRange(entry.DefermentEnd - entry.DeletedAt, TimeSpan.FromSeconds(599), TimeSpan.FromSeconds(601));
        Assert.False(entry.IsExpired(DateTime.UtcNow));
        Assert.DoesNotContain("a", Cluster.ListImages(Pool));
        Assert.Equal("ImageNotFound", Assert.Throws<RbdException>(() => Cluster.OpenImage(Pool, "a")).ErrorId);

        Cluster.CreateImage(Pool, "a", MiB, ImageOptions.Default);
        var taken = Assert.Throws<RbdException>(() => Cluster.RestoreFromTrash(Pool, entry.Id, "a"));
        Assert.Equal(("ImageExists", RbdErrno.EEXIST), (taken.ErrorId, taken.Errno));

        Cluster.RestoreFromTrash(Pool, entry.Id, "b");
        Assert.Empty(Cluster.ListTrash(Pool));
        using var restored = Cluster.OpenImage(Pool, "b");
        Assert.Equal((entry.Id, 8 * MiB), (restored.Stat().Id, restored.Stat().Size));
        var data = new byte[3];
        restored.Read(0, data);
        Assert.Equal(new byte[] { 1, 2, 3 }, data);
    }

    [Fact]
    public void Removal_waits_for_the_deferment_unless_forced()
    {
        var entry = Trash("a", TimeSpan.FromMinutes(10));
        var early = Assert.Throws<RbdException>(() => Cluster.RemoveFromTrash(Pool, entry.Id, force: false));
        Assert.Equal(("TrashDefermentNotExpired", RbdErrno.EPERM), (early.ErrorId, early.Errno));
        Assert.Single(Cluster.ListTrash(Pool));
        Cluster.RemoveFromTrash(Pool, entry.Id, force: true);
        Assert.Empty(Cluster.ListTrash(Pool));
    }

    [Fact]
    public void An_expired_image_with_snapshots_stays_until_they_are_gone()
    {
        using (var image = Cluster.OpenImage(Pool, "a")) image.CreateSnapshot("s");
        var entry = Trash("a");
        Assert.True(entry.IsExpired(DateTime.UtcNow.AddSeconds(1)));
        var busy = Assert.Throws<RbdException>(() => Cluster.RemoveFromTrash(Pool, entry.Id, force: false));
        Assert.Equal(("ImageHasSnapshots", RbdErrno.ENOTEMPTY), (busy.ErrorId, busy.Errno));
        Assert.Contains("(s)", busy.Message);
        Cluster.RestoreFromTrash(Pool, entry.Id, "a");
        using (var image = Cluster.OpenImage(Pool, "a")) image.RemoveSnapshot("s");
        Cluster.RemoveFromTrash(Pool, Trash("a").Id, force: false);
        Assert.Empty(Cluster.ListTrash(Pool));
        Assert.Empty(Cluster.ListImages(Pool));
    }

    [Fact]
    public void A_parent_in_the_trash_still_serves_its_clones_which_are_hidden_from_children_but_block_unprotect()
    {
        using (var image = Cluster.OpenImage(Pool, "a"))
        {
            image.CreateSnapshot("s");
            image.ProtectSnapshot("s");
        }
        Cluster.Clone(Pool, "a", "s", Pool, "c", ImageOptions.Default);
        var parent = Trash("a");
        using (var clone = Cluster.OpenImage(Pool, "c"))
        {
            var data = new byte[3];
            clone.Read(0, data);
            Assert.Equal(new byte[] { 1, 2, 3 }, data);
            Assert.Equal(("s", parent.Id), (clone.Stat().Parent!.Snapshot, clone.Stat().Parent!.ImageId));
        }
        Cluster.RestoreFromTrash(Pool, parent.Id, "a");
        var child = Trash("c");
        using (var snap = Cluster.OpenImage(Pool, "a", "s")) Assert.Empty(snap.ListChildren());
        using (var image = Cluster.OpenImage(Pool, "a"))
        {
            var busy = Assert.Throws<RbdException>(() => image.UnprotectSnapshot("s"));
            Assert.Equal(("SnapshotHasChildren", RbdErrno.EBUSY), (busy.ErrorId, busy.Errno));
        }
        Cluster.RemoveFromTrash(Pool, child.Id, force: false);
    }

    [Fact]
    public void Lineage_shows_a_parent_in_the_trash_with_its_clones_and_a_clone_in_the_trash()
    {
        using (var image = Cluster.OpenImage(Pool, "a"))
        {
            image.CreateSnapshot("s");
            image.ProtectSnapshot("s");
        }
        Cluster.Clone(Pool, "a", "s", Pool, "c", ImageOptions.Default);
        Cluster.Clone(Pool, "a", "s", Pool, "d", ImageOptions.Default);
        var parent = Trash("a");
        Trash("d");
        using (var snap = Cluster.OpenImageInTrash(Pool, parent.Id, "s"))
            Assert.Equal(new[] { ("c", false), ("d", true) }, snap.ListAllChildren().Select(c => (c.Image, c.TrashId is not null)));
        using var database = OpenStack.OpenStackDatabase.Open(Cluster);
        var nodes = Lineage.Build(Cluster, new OpenStack.OpenStackRoles(database), null);
        Assert.Equal(new[] { "openstack/a True 0", "openstack/a@s True 1", "openstack/c False 2", "openstack/d True 2" },
            nodes.Select(n => $"{n.Spec} {n.InTrash} {n.Depth}"));
    }

    [Fact]
    public void Unknown_ids_and_bad_names_are_refused_and_change_nothing()
    {
        var entry = Trash("a");
        var missing = Assert.Throws<RbdException>(() => Cluster.RestoreFromTrash(Pool, "0123456789ab", "x"));
        Assert.Equal(("TrashEntryNotFound", RbdErrno.ENOENT), (missing.ErrorId, missing.Errno));
        Assert.Equal("TrashEntryNotFound", Assert.Throws<RbdException>(() => Cluster.RemoveFromTrash(Pool, "0123456789ab", true)).ErrorId);
        Assert.Equal("ImageNotFound", Assert.Throws<RbdException>(() => Cluster.MoveToTrash(Pool, "nope", TimeSpan.Zero)).ErrorId);
        Assert.Equal("InvalidName", Assert.Throws<RbdException>(() => Cluster.RestoreFromTrash(Pool, entry.Id, "x/y")).ErrorId);
        Assert.Equal(entry, Assert.Single(Cluster.ListTrash(Pool)));
    }

    [Fact]
    public void Removing_a_pool_removes_its_trash()
    {
        using (var image = Cluster.OpenImage(Pool, "a")) image.CreateSnapshot("s");
        Trash("a", TimeSpan.FromDays(1));
        Cluster.RemovePool(Pool);
        Assert.DoesNotContain(Pool, Cluster.ListPools());
    }
}
