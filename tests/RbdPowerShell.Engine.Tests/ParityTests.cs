using System.Security.Cryptography;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// The same random operation sequences (writes, discards, snapshots, resizes, rollbacks, snapshot removals, then a
/// protected snapshot cloned and the clone written) on the embedded store and on Ceph give identical image info,
/// snapshot lists, children, whole-object diff extents, du rows and data, ids and timestamps aside. Byte-extent
/// diffs must rebuild the same data on both; their exact extents can differ where librbd reports more than changed
/// (an object copied up from a shorter parent object, a head object truncated after its snapshot's removal).
/// </summary>
public class ParityTests
{
    private const string Pool = "p";

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 6).Select(i => new object[] { 5100 + i * 97 });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Both_backends_report_the_same(int seed)
    {
        using var embedded = new TempStore(Backend.Embedded);
        using var ceph = new TempStore(Backend.Ceph);
        var random = new Random(seed);
        for (int i = 0; i < 3; i++)
        {
            var sequence = OpSequence.Random($"img{i}", random);
            var expected = Describe(embedded.Cluster, sequence);
            var actual = Describe(ceph.Cluster, sequence);
            var differ = expected.Zip(actual).Where(p => p.First != p.Second).Select(p => $"embedded: {p.First}\nceph:     {p.Second}");
            Assert.True(expected.SequenceEqual(actual), $"{sequence.ToJson()}\n{string.Join("\n", differ)}");
        }
    }

    /// <summary>Runs the sequence and a clone on one backend; returns everything observable, one line each.</summary>
    private static List<string> Describe(IRbdCluster cluster, OpSequence sequence)
    {
        if (!cluster.ListPools().Contains(Pool)) cluster.CreatePool(Pool);
        var snaps = sequence.Apply(cluster, Pool);
        string? clone = null;
        if (snaps.Count > 0)
        {
            using (var image = cluster.OpenImage(Pool, sequence.Name)) image.ProtectSnapshot(snaps[^1]);
            clone = sequence.Name + "-clone";
            cluster.Clone(Pool, sequence.Name, snaps[^1], Pool, clone, ImageOptions.Default);
            using var child = cluster.OpenImage(Pool, clone);
            ulong size = child.Stat().Size;
            if (size > 0) child.Write(size / 2, OpSequence.Data(7, (int)Math.Min(size - size / 2, 5000)));
        }
        var lines = new List<string>();
        foreach (var name in new[] { sequence.Name, clone }.OfType<string>())
        {
            using var head = cluster.OpenImage(Pool, name);
            var views = head.ListSnapshots().Select(s => s.Name).Cast<string?>().Append(null).ToList();
            lines.AddRange(head.ListSnapshots().Select(s => $"{name}@{s.Name} size={s.Size} protected={s.Protected}"));
            foreach (var to in views) lines.AddRange(View(cluster, name, to, views));
            lines.AddRange(DiskUsage.Run(cluster, Pool, name).Select(u => $"du {u.Name} {u.Provisioned} {u.Used}"));
        }
        return lines;
    }

    private static IEnumerable<string> View(IRbdCluster cluster, string name, string? to, List<string?> views)
    {
        using var view = cluster.OpenImage(Pool, name, to);
        var info = view.Stat();
        string at = $"{name}@{to ?? "HEAD"}";
        yield return $"{at} size={info.Size} order={info.Order} objects={info.Objects} features={info.Features} parent={info.Parent} overlap={info.Overlap}";
        yield return $"{at} children={string.Join(",", view.ListChildren())}";
        var data = Read(cluster, name, to, info.Size);
        yield return $"{at} sha256={Convert.ToHexString(SHA256.HashData(data))}";
        foreach (var from in views.TakeWhile(v => v != to).Prepend(null).Distinct())
        {
            var extents = new List<string>();
            view.DiffIterate(from, 0, info.Size, includeParent: true, wholeObject: true, (o, l, e) => extents.Add($"{o}+{l}{(e ? "" : "z")}"));
            yield return $"{at} whole-object diff from {from ?? "creation"}: {string.Join(" ", extents)}";
            var rebuilt = from is null ? new byte[info.Size] : Resized(Read(cluster, name, from, null), info.Size);
            view.DiffIterate(from, 0, info.Size, includeParent: true, wholeObject: false, (o, l, e) =>
            {
                if (e) Array.Copy(data, (long)o, rebuilt, (long)o, (long)l);
                else Array.Clear(rebuilt, (int)o, (int)l);
            });
            yield return $"{at} byte diff from {from ?? "creation"} rebuilds it: {rebuilt.AsSpan().SequenceEqual(data)}";
        }
    }

    private static byte[] Read(IRbdCluster cluster, string name, string? snapshot, ulong? size)
    {
        using var view = cluster.OpenImage(Pool, name, snapshot);
        var data = new byte[size ?? view.Stat().Size];
        view.Read(0, data);
        return data;
    }

    private static byte[] Resized(byte[] data, ulong size)
    {
        var result = new byte[size];
        data.AsSpan(0, (int)Math.Min((ulong)data.Length, size)).CopyTo(result);
        return result;
    }
}
