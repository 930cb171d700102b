using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// Compares the engine with real rbd 16.2 on the same scripted sequences: diff-iterate extents, the bytes of
/// export-diff (v1, whole-object) and merge-diff, and streams crossing both ways (import-diff, export format 2).
/// </summary>
public class CephInteropTests
{
    private const string Pool = CephCluster.Pool;
    private readonly ITestOutputHelper _output;

    public CephInteropTests(ITestOutputHelper output) => _output = output;

    private bool Skipped()
    {
        var why = CephCluster.Unavailable();
        if (why is not null) _output.WriteLine("Skipped: " + why);
        return why is not null;
    }

    private static IEnumerable<OpSequence> Sequences(int seed, int count)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++) yield return OpSequence.Random(CephCluster.UniqueName("interop"), random);
    }

    [Fact]
    public void Diff_iterate_reports_the_extents_librbd_reports()
    {
        if (Skipped()) return;
        using var store = new TempStore();
        store.Cluster.CreatePool(Pool);
        int compared = 0;
        foreach (var sequence in Sequences(20261125, 40))
        {
            var ceph = CephCluster.Apply(sequence);
            CephCluster.Remove(sequence.Name);
            if (ceph is null) { _output.WriteLine($"librbd's diff-iterate crashed on {sequence.ToJson()}; skipped"); continue; }
            var snaps = sequence.Apply(store.Cluster, Pool);
            var views = snaps.Cast<string?>().Append(null).ToList();
            for (int to = 0; to < views.Count; to++)
                foreach (var from in new string?[] { null }.Concat(views.Take(to)))
                    foreach (bool whole in new[] { false, true })
                    {
                        string key = $"{from ?? "None"}->{views[to] ?? "None"}/{(whole ? 1 : 0)}";
                        using var view = store.Cluster.OpenImage(Pool, sequence.Name, views[to]);
                        var ours = new JsonArray();
                        view.DiffIterate(from, 0, view.Stat().Size, true, whole, (o, l, e) => ours.Add(new JsonArray(o, l, e)));
                        Assert.True(JsonNode.DeepEquals(ceph["diffs"]![key], ours),
                            $"{key} of {sequence.ToJson()}\nlibrbd: {ceph["diffs"]![key]!.ToJsonString()}\nours:   {ours.ToJsonString()}");
                    }
            compared++;
        }
        Assert.True(compared >= 30, $"only {compared} sequences could be compared");
    }

    [Fact]
    public void Export_diff_writes_the_bytes_rbd_writes_and_streams_cross_both_ways()
    {
        if (Skipped()) return;
        using var store = new TempStore();
        store.Cluster.CreatePool(Pool);
        string work = Path.Combine(store.Directory, "streams");
        Directory.CreateDirectory(work);
        foreach (var sequence in Sequences(7, 8))
        {
            var ceph = CephCluster.Apply(sequence);
            if (ceph is null) { CephCluster.Remove(sequence.Name); continue; }
            var snaps = sequence.Apply(store.Cluster, Pool);
            try
            {
                string? previous = null;
                foreach (var to in snaps.Cast<string?>().Append(null))
                {
                    foreach (bool whole in new[] { false, true })
                    {
                        string theirs = Path.Combine(work, "rbd.diff"), ours = Path.Combine(work, "ours.diff");
                        var args = new List<string> { "export-diff", to is null ? $"{Pool}/{sequence.Name}" : $"{Pool}/{sequence.Name}@{to}", theirs };
                        if (previous is not null) args.InsertRange(1, new[] { "--from-snap", previous });
                        if (whole) args.Insert(1, "--whole-object");
                        File.Delete(theirs);
                        CephCluster.Rbd(args.ToArray());
                        using (var image = store.Cluster.OpenImage(Pool, sequence.Name, to))
                        using (var file = File.Create(ours))
                            DiffExport.Run(image, previous, file, DiffFormat.V1, whole);
                        Assert.True(File.ReadAllBytes(theirs).AsSpan().SequenceEqual(File.ReadAllBytes(ours)),
                            $"export-diff {string.Join(' ', args)} differs for {sequence.ToJson()}");
                    }
                    previous = to;
                }
                CrossImport(store, sequence.Name, snaps, work);
            }
            finally { CephCluster.Remove(sequence.Name); }
        }
    }

    /// <summary>
    /// The chain of diffs rbd writes, imported here, and the chain written here, imported by rbd, rebuild
    /// images that read the same at every snapshot as the original.
    /// </summary>
    private static void CrossImport(TempStore store, string name, List<string> snaps, string work)
    {
        string intoCeph = name + "-in", intoUs = name + "-in";
        CephCluster.Rbd("create", "--size", "1", $"{Pool}/{intoCeph}");
        store.Cluster.CreateImage(Pool, intoUs, 0, ImageOptions.Default);
        try
        {
            string? previous = null;
            foreach (var to in snaps.Cast<string?>().Append(null))
            {
                string spec = to is null ? $"{Pool}/{name}" : $"{Pool}/{name}@{to}";
                string theirs = Path.Combine(work, "chain-rbd.diff"), ours = Path.Combine(work, "chain-ours.diff");
                File.Delete(theirs);
                var args = new List<string> { "export-diff", spec, theirs };
                if (previous is not null) args.InsertRange(1, new[] { "--from-snap", previous });
                CephCluster.Rbd(args.ToArray());
                using (var image = store.Cluster.OpenImage(Pool, name, to))
                using (var file = File.Create(ours))
                    DiffExport.Run(image, previous, file);
                using (var file = File.OpenRead(theirs)) DiffImport.Run(store.Cluster, Pool, intoUs, file);
                CephCluster.Rbd("import-diff", ours, $"{Pool}/{intoCeph}");
                SameContent(store, name, to, intoUs, work, intoCeph);
                previous = to;
            }
        }
        finally { CephCluster.Remove(intoCeph); }
    }

    /// <summary>The original here, its copy here (from rbd's stream) and its copy in Ceph (from ours) read the same.</summary>
    private static void SameContent(TempStore store, string name, string? snap, string copyHere, string work, string copyInCeph)
    {
        string original = Path.Combine(work, "original.raw"), here = Path.Combine(work, "here.raw"), there = Path.Combine(work, "there.raw");
        using (var image = store.Cluster.OpenImage(Pool, name, snap)) RawExport.Run(image, original);
        using (var image = store.Cluster.OpenImage(Pool, copyHere, snap)) RawExport.Run(image, here);
        File.Delete(there);
        CephCluster.Rbd("export", snap is null ? $"{Pool}/{copyInCeph}" : $"{Pool}/{copyInCeph}@{snap}", there);
        var expected = File.ReadAllBytes(original);
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(here)), $"{name}@{snap}: rbd's diff imported here reads differently");
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(there)), $"{name}@{snap}: our diff imported by rbd reads differently");
    }

    [Fact]
    public void Export_format_2_and_merge_diff_match_rbd()
    {
        if (Skipped()) return;
        using var store = new TempStore();
        store.Cluster.CreatePool(Pool);
        string work = Path.Combine(store.Directory, "v2");
        Directory.CreateDirectory(work);
        var sequence = new OpSequence
        {
            Name = CephCluster.UniqueName("v2"), Size = 12 << 20, Order = 22,
            Ops = new()
            {
                new JsonArray("w", 0UL, 5000UL, 3), new JsonArray("s", "a"), new JsonArray("p", "a"),
                new JsonArray("w", 4194000UL, 9000UL, 4), new JsonArray("d", 0UL, 4096UL), new JsonArray("s", "b"),
                new JsonArray("r", 16UL << 20), new JsonArray("w", 15UL << 20, 4096UL, 5),
            },
        };
        Assert.NotNull(CephCluster.Apply(sequence));
        sequence.Apply(store.Cluster, Pool);
        try
        {
            string theirs = Path.Combine(work, "rbd.v2"), ours = Path.Combine(work, "ours.v2");
            CephCluster.Rbd("export", "--export-format", "2", $"{Pool}/{sequence.Name}", theirs);
            using (var file = File.Create(ours)) ImageExportV2.Run(store.Cluster, Pool, sequence.Name, file);
            Assert.True(File.ReadAllBytes(theirs).AsSpan().SequenceEqual(File.ReadAllBytes(ours)), "export --export-format 2 differs");

            using (var file = File.OpenRead(theirs)) ImageImportV2.Run(store.Cluster, file, Pool, "from-rbd", ImageOptions.Default);
            using (var imported = store.Cluster.OpenImage(Pool, "from-rbd"))
                Assert.Equal(new[] { ("a", true), ("b", false) }, imported.ListSnapshots().Select(s => (s.Name, s.Protected)));

            string first = Path.Combine(work, "1.diff"), second = Path.Combine(work, "2.diff");
            string merged = Path.Combine(work, "merged-rbd.diff"), mergedHere = Path.Combine(work, "merged-ours.diff");
            CephCluster.Rbd("export-diff", $"{Pool}/{sequence.Name}@a", first);
            CephCluster.Rbd("export-diff", "--from-snap", "a", $"{Pool}/{sequence.Name}@b", second);
            CephCluster.Rbd("merge-diff", first, second, merged);
            using (var a = File.OpenRead(first))
            using (var b = File.OpenRead(second))
            using (var output = File.Create(mergedHere))
                DiffMerge.Run(a, b, output);
            Assert.True(File.ReadAllBytes(merged).AsSpan().SequenceEqual(File.ReadAllBytes(mergedHere)), "merge-diff differs");
        }
        finally { CephCluster.Remove(sequence.Name); }
    }

    /// <summary>
    /// rbd 16.2 takes pool/image@snap with --export-format 2 but writes the whole image all the same: every snapshot,
    /// later ones included, and the head. Ours writes the same bytes; rbd's stream imports here as rbd imports it.
    /// </summary>
    [Fact]
    public void Export_format_2_of_a_snapshot_writes_the_whole_image_as_rbd_does()
    {
        if (Skipped()) return;
        using var store = new TempStore();
        store.Cluster.CreatePool(Pool);
        string work = Path.Combine(store.Directory, "v2snap");
        Directory.CreateDirectory(work);
        var sequence = new OpSequence
        {
            Name = CephCluster.UniqueName("v2snap"), Size = 8 << 20, Order = 22,
            Ops = new()
            {
                new JsonArray("w", 0UL, 5000UL, 11), new JsonArray("s", "a"), new JsonArray("p", "a"),
                new JsonArray("w", 4194000UL, 9000UL, 12), new JsonArray("s", "b"),
                new JsonArray("r", 16UL << 20), new JsonArray("w", 15UL << 20, 4096UL, 13),
                new JsonArray("s", "c"), new JsonArray("p", "c"),
                new JsonArray("w", 8UL << 20, 4096UL, 14), new JsonArray("d", 0UL, 4096UL),
            },
        };
        string copy = sequence.Name + "-in";
        Assert.NotNull(CephCluster.Apply(sequence));
        var snaps = sequence.Apply(store.Cluster, Pool);
        try
        {
            string image = Path.Combine(work, "rbd.v2");
            CephCluster.Rbd("export", "--export-format", "2", $"{Pool}/{sequence.Name}", image);
            foreach (var snap in snaps)
            {
                string theirs = Path.Combine(work, $"rbd-{snap}.v2"), ours = Path.Combine(work, $"ours-{snap}.v2");
                CephCluster.Rbd("export", "--export-format", "2", $"{Pool}/{sequence.Name}@{snap}", theirs);
                using (var file = File.Create(ours)) ImageExportV2.Run(store.Cluster, Pool, sequence.Name, snap, file);
                Assert.True(File.ReadAllBytes(image).AsSpan().SequenceEqual(File.ReadAllBytes(theirs)), $"rbd's stream of @{snap} is not the image's");
                Assert.True(File.ReadAllBytes(theirs).AsSpan().SequenceEqual(File.ReadAllBytes(ours)), $"export --export-format 2 @{snap} differs");
            }

            string ofB = Path.Combine(work, "rbd-b.v2");
            CephCluster.Rbd("import", "--export-format", "2", ofB, $"{Pool}/{copy}");
            using (var file = File.OpenRead(ofB)) ImageImportV2.Run(store.Cluster, file, Pool, copy, ImageOptions.Default);
            var expected = new[] { ("a", true), ("b", false), ("c", true) };
            Assert.Equal(expected, CephCluster.Snapshots(copy));
            using (var imported = store.Cluster.OpenImage(Pool, copy))
                Assert.Equal(expected, imported.ListSnapshots().Select(s => (s.Name, s.Protected)));
            foreach (var view in snaps.Cast<string?>().Append(null)) SameContent(store, sequence.Name, view, copy, work, copy);
        }
        finally
        {
            CephCluster.Remove(copy);
            CephCluster.Remove(sequence.Name);
        }
    }
}
