using System.Text.RegularExpressions;
using RbdPowerShell.Engine.OpenStack;
using static RbdPowerShell.Engine.Tests.OpenStackTestBed;

namespace RbdPowerShell.Engine.Tests;

/// <summary>Lineage (rbd children --descendants typed by OpenStack role) and its DOT/Mermaid pictures.</summary>
public sealed class EmbeddedLineageTests() : LineageTests(Backend.Embedded);
public sealed class CephLineageTests() : LineageTests(Backend.Ceph);

public abstract class LineageTests : IDisposable
{
    private readonly OpenStackTestBed _bed;

    protected LineageTests(Backend backend) => _bed = new(backend);

    public void Dispose() => _bed.Dispose();

    private IReadOnlyList<LineageNode> Build(string? spec) =>
        Lineage.Build(_bed.Cluster, new OpenStackRoles(_bed.Database), spec is null ? null : ImageSpec.Parse(spec, SpecKind.PoolOrImage));

    private static HashSet<(string, OpenStackKind, int, string?)> Shape(IEnumerable<LineageNode> nodes) =>
        nodes.Select(n => (n.Spec, n.OpenStackKind, n.Depth, n.ParentSpec)).ToHashSet();

    /// <summary>cirros, booted as vm1, a volume v1 from it, v2 cloned from v1, a Cinder snapshot of v1.</summary>
    private (GlanceImage Image, NovaServer Server, CinderVolume V1, CinderVolume V2, CinderSnapshot Snap) Deployment()
    {
        var image = _bed.Imported("cirros", 8 * MiB, RandomBytes(4096, 3));
        var server = _bed.Boot("vm1", image);
        var v1 = _bed.Volume("v1", image: image.Id);
        var v2 = _bed.Volume("v2", source: v1.Id);
        var snap = _bed.Snapshot(v1, "s1");
        return (image, server, v1, v2, snap);
    }

    [Fact]
    public void Lineage_of_a_Glance_image_names_the_servers_and_volumes_that_keep_it()
    {
        var (image, server, v1, v2, snap) = Deployment();
        string glance = $"{Pool}/{image.Id}", cloneSnap = $"{v1.RbdImage}@volume-{v2.Id}.clone_snap";

        var nodes = Build(glance);

        Assert.Equal(new HashSet<(string, OpenStackKind, int, string?)>
        {
            (glance, OpenStackKind.GlanceImage, 0, null),
            (glance + "@snap", OpenStackKind.GlanceSnapshot, 1, glance),
            (server.RootDisk, OpenStackKind.NovaRootDisk, 2, glance + "@snap"),
            (v1.RbdImage, OpenStackKind.CinderVolume, 2, glance + "@snap"),
            (cloneSnap, OpenStackKind.TemporarySnapshot, 3, v1.RbdImage),
            (snap.RbdSnapshot, OpenStackKind.VolumeSnapshot, 3, v1.RbdImage),
            (v2.RbdImage, OpenStackKind.CinderVolume, 4, cloneSnap),
        }, Shape(nodes));
        Assert.Equal(0, nodes[0].Depth);
        Assert.All(nodes.Skip(1), n => Assert.Contains(nodes.TakeWhile(p => p != n), p => p.Spec == n.ParentSpec));
        var byName = nodes.Where(n => !n.IsSnapshot).ToDictionary(n => n.Spec);
        Assert.Equal(("vm1", true), (byName[server.RootDisk].OpenStackName, byName[server.RootDisk].FromRecord));
        Assert.Equal(("cirros", 8 * MiB), (byName[glance].OpenStackName, byName[glance].Size));
        var glanceSnap = nodes.Single(n => n.Spec == glance + "@snap");
        Assert.Equal((true, 2, 4 * MiB), (glanceSnap.Protected!.Value, glanceSnap.ChildCount, glanceSnap.Used)); // rbd du: one whole 4 MiB object
    }

    [Fact]
    public void Lineage_of_a_snapshot_pool_or_cluster()
    {
        var (image, _, v1, v2, _) = Deployment();
        string cloneSnap = $"{v1.RbdImage}@volume-{v2.Id}.clone_snap";
        Assert.Equal(new[] { cloneSnap, v2.RbdImage }, Build(cloneSnap).Select(n => n.Spec));
        Assert.Equal(new[] { 0, 1 }, Build(cloneSnap).Select(n => n.Depth));
        var all = Build(null);
        Assert.Equal(Build($"{Pool}/{image.Id}").Select(n => n.Spec).ToHashSet(), all.Select(n => n.Spec).ToHashSet());
        Assert.Equal(all.Select(n => n.Spec).ToHashSet(), Build(Pool).Select(n => n.Spec).ToHashSet());
        Assert.Empty(Build(BackupPool));
    }

    [Fact]
    public void Without_records_the_naming_conventions_tell_what_images_are()
    {
        var c = _bed.Cluster;
        string glance = Guid.NewGuid().ToString(), server = Guid.NewGuid().ToString(), vol = Guid.NewGuid().ToString(),
               gone = Guid.NewGuid().ToString(), snapId = Guid.NewGuid().ToString(), nova = Guid.NewGuid().ToString("N");
        c.CreateImage(Pool, glance, 8 * MiB, ImageOptions.Default);
        Snap(glance, "snap", protect: true);
        c.Clone(Pool, glance, "snap", Pool, server + "_disk", ImageOptions.Default);
        Snap(server + "_disk", nova, protect: true);
        c.Clone(Pool, glance, "snap", Pool, $"volume-{vol}", ImageOptions.Default);
        Snap($"volume-{vol}", $"snapshot-{snapId}", protect: true);
        Snap($"volume-{vol}", $"backup.{Guid.NewGuid()}.snap.1500000000.25", protect: false);
        c.CreateImage(Pool, $"volume-{gone}.deleted", MiB, ImageOptions.Default);
        c.CreateImage(BackupPool, $"volume-{vol}.backup.base", MiB, ImageOptions.Default);
        c.CreateImage(Pool, "scratch", MiB, ImageOptions.Default);

        var kinds = Build(null).ToDictionary(n => n.Spec, n => (n.OpenStackKind, n.OpenStackId, n.FromRecord));
        Assert.Equal((OpenStackKind.GlanceImage, glance, false), kinds[$"{Pool}/{glance}"]);
        Assert.Equal(OpenStackKind.GlanceSnapshot, kinds[$"{Pool}/{glance}@snap"].OpenStackKind);
        Assert.Equal((OpenStackKind.NovaRootDisk, server, false), kinds[$"{Pool}/{server}_disk"]);
        Assert.Equal(OpenStackKind.TemporarySnapshot, kinds[$"{Pool}/{server}_disk@{nova}"].OpenStackKind);
        Assert.Equal((OpenStackKind.CinderVolume, vol, false), kinds[$"{Pool}/volume-{vol}"]);
        Assert.Equal((OpenStackKind.VolumeSnapshot, snapId, false), kinds[$"{Pool}/volume-{vol}@snapshot-{snapId}"]);
        Assert.Equal(OpenStackKind.BackupSnapshot, kinds.Single(k => k.Key.Contains("@backup.")).Value.OpenStackKind);
        Assert.Equal((OpenStackKind.DeletedVolume, gone, false), kinds[$"{Pool}/volume-{gone}.deleted"]);
        Assert.Equal((OpenStackKind.BackupBase, vol, false), kinds[$"{BackupPool}/volume-{vol}.backup.base"]);
        Assert.Equal(OpenStackKind.Unknown, kinds[$"{Pool}/scratch"].OpenStackKind);
    }

    private void Snap(string image, string snap, bool protect)
    {
        using var handle = _bed.Cluster.OpenImage(Pool, image);
        handle.CreateSnapshot(snap);
        if (protect) handle.ProtectSnapshot(snap);
    }

    [Fact]
    public void The_pictures_have_a_node_per_image_and_snapshot_and_an_edge_per_link()
    {
        var (image, server, v1, v2, _) = Deployment();
        var nodes = Build($"{Pool}/{image.Id}");
        var expectedEdges = nodes.Where(n => n.ParentSpec is not null).Select(n => (n.ParentSpec!, n.Spec)).ToHashSet();

        string dot = LineageGraph.ToDot(nodes);
        var dotNodes = Regex.Matches(dot, @"^  (n\d+) \[label=""([^""]*)"", shape=(\w+)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => (Label: m.Groups[2].Value, Shape: m.Groups[3].Value));
        Assert.Equal(nodes.Count, dotNodes.Count);
        // Labels start with the spec (a snapshot under its image: @name; the names here are unique).
        string SpecOf(string id) =>
            nodes.Single(n => (n.Depth == 0 || !n.IsSnapshot ? n.Spec : "@" + n.Snapshot) == dotNodes[id].Label.Split("\\n")[0]).Spec;
        var dotEdges = Regex.Matches(dot, @"^  (n\d+) -> (n\d+);", RegexOptions.Multiline)
            .Select(m => (SpecOf(m.Groups[1].Value), SpecOf(m.Groups[2].Value))).ToHashSet();
        Assert.Equal(expectedEdges, dotEdges);
        var shapes = dotNodes.Values.ToDictionary(v => v.Label.Split("\\n")[0], v => v.Shape);
        Assert.Equal(("box3d", "component", "cylinder", "cylinder"),
            (shapes[$"{Pool}/{image.Id}"], shapes[server.RootDisk], shapes[v1.RbdImage], shapes[v2.RbdImage]));
        Assert.Contains("NovaRootDisk 'vm1'", dot);

        string mermaid = LineageGraph.ToMermaid(nodes);
        Assert.StartsWith("flowchart LR\n", mermaid);
        Assert.Equal(expectedEdges.Count, Regex.Matches(mermaid, @"^  n\d+ --> n\d+$", RegexOptions.Multiline).Count);
        Assert.Equal(nodes.Count, Regex.Matches(mermaid, @"^  n\d+\W.*:::\w+$", RegexOptions.Multiline).Count);
        Assert.Matches($@"n\d+\[/""{Regex.Escape(server.RootDisk)}<br/>NovaRootDisk 'vm1'", mermaid);
        Assert.Contains("classDef NovaRootDisk fill:", mermaid);
    }
}
