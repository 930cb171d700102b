using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// Thousands of random operation sequences against the embedded store and the naive reference, comparing
/// every image and snapshot after every step, the diffs between views, and the store's own check.
/// </summary>
public class ModelBasedTests
{
    private const string Pool = "p";
    private const int Order = 12;
    private const int ObjectSize = 1 << Order;
    private const int MaxSize = 12 * ObjectSize;

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 40).Select(i => new object[] { i * 7919 + 1 });

    /// <summary>Fewer on Ceph: every step is a round trip to the OSD.</summary>
    public static IEnumerable<object[]> CephSeeds() => Enumerable.Range(0, 4).Select(i => new object[] { i * 7919 + 1 });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_sequences_match_the_reference(int seed)
    {
        for (int sequence = 0; sequence < 25; sequence++)
            RunSequence(seed * 1000 + sequence, steps: 60);
    }

    [Theory]
    [MemberData(nameof(CephSeeds))]
    public void Random_sequences_match_the_reference_on_ceph(int seed)
    {
        for (int sequence = 0; sequence < 3; sequence++)
            RunSequence(seed * 1000 + sequence, steps: 40, Backend.Ceph);
    }

    internal static void RunSequence(int seed, int steps, Backend backend = Backend.Embedded)
    {
        var random = new Random(seed);
        using var store = new TempStore(backend);
        var model = new ReferenceModel();
        store.Cluster.CreatePool(Pool);
        var log = new List<string>();
        for (int step = 0; step < steps; step++)
        {
            string action = Step(store, model, random);
            log.Add(action);
            try
            {
                if (step % 6 == 5 || step == steps - 1) CompareAll(store.Cluster, model);
                if (model.Images.Count > 0 && random.Next(4) == 0) CompareDiff(store.Cluster, model, random);
                if (random.Next(10) == 0) Assert.Empty(store.Check());
                if (random.Next(25) == 0) store.Reopen();
            }
            catch (Exception ex)
            {
                throw new Exception($"seed {seed}, after: {string.Join(" ; ", log)}\n{ex.Message}", ex);
            }
        }
        Assert.Empty(store.Check());
    }

    private static string Step(TempStore store, ReferenceModel model, Random random)
    {
        var cluster = store.Cluster;
        if (model.Images.Count == 0 || random.Next(20) == 0)
        {
            string name = "i" + random.Next(1000);
            int size = random.Next(1, MaxSize);
            if (model.Images.ContainsKey(name)) return "skip";
            cluster.CreateImage(Pool, name, (ulong)size, new ImageOptions { Order = Order });
            model.Images[name] = new ReferenceModel.Image { Data = new byte[size] };
            return $"create {name} {size}";
        }
        var (imageName, image) = model.Images.ElementAt(random.Next(model.Images.Count));
        using var handle = cluster.OpenImage(Pool, imageName);
        int op = random.Next(100);
        if (op < 30 && image.Data.Length > 0)
        {
            int offset = random.Next(image.Data.Length);
            int length = random.Next(1, Math.Min(image.Data.Length - offset, 3 * ObjectSize) + 1);
            var data = new byte[length];
            if (random.Next(5) > 0) random.NextBytes(data);
            handle.Write((ulong)offset, data);
            data.CopyTo(image.Data, offset);
            return $"write {imageName} {offset}+{length}";
        }
        if (op < 40 && image.Data.Length > 0)
        {
            int offset = random.Next(image.Data.Length);
            int length = random.Next(1, image.Data.Length - offset + 1);
            if (random.Next(2) == 0) { offset = offset / ObjectSize * ObjectSize; length = Math.Min(image.Data.Length - offset, ObjectSize * random.Next(1, 4)); }
            handle.Discard((ulong)offset, (ulong)length);
            Array.Clear(image.Data, offset, length);
            return $"discard {imageName} {offset}+{length}";
        }
        if (op < 52)
        {
            string snap = "s" + random.Next(100);
            if (image.Snaps.Any(s => s.Name == snap))
            {
                Assert.Equal("SnapshotExists", Assert.Throws<RbdException>(() => handle.CreateSnapshot(snap)).ErrorId);
                return $"snap-exists {imageName}@{snap}";
            }
            handle.CreateSnapshot(snap);
            image.Snaps.Add((snap, (byte[])image.Data.Clone(), false));
            return $"snap {imageName}@{snap}";
        }
        if (image.Snaps.Count == 0 && op < 80) return "skip";
        var (snapName, snapData, isProtected) = image.Snaps.Count > 0 ? image.Snaps[random.Next(image.Snaps.Count)] : default;
        int index = image.Snaps.FindIndex(s => s.Name == snapName);
        if (op < 58)
        {
            if (isProtected)
            {
                Assert.Equal("SnapshotProtected", Assert.Throws<RbdException>(() => handle.RemoveSnapshot(snapName)).ErrorId);
                return $"rm-protected {imageName}@{snapName}";
            }
            handle.RemoveSnapshot(snapName);
            image.Snaps.RemoveAt(index);
            return $"snap-rm {imageName}@{snapName}";
        }
        if (op < 64)
        {
            if (isProtected)
            {
                if (model.HasChildren(imageName, snapName))
                {
                    Assert.Equal("SnapshotHasChildren", Assert.Throws<RbdException>(() => handle.UnprotectSnapshot(snapName)).ErrorId);
                    return $"unprotect-busy {imageName}@{snapName}";
                }
                handle.UnprotectSnapshot(snapName);
            }
            else handle.ProtectSnapshot(snapName);
            image.Snaps[index] = (snapName, snapData, !isProtected);
            return $"{(isProtected ? "unprotect" : "protect")} {imageName}@{snapName}";
        }
        if (op < 70)
        {
            handle.RollbackSnapshot(snapName);
            image.Data = (byte[])snapData.Clone();
            return $"rollback {imageName}@{snapName}";
        }
        if (op < 80)
        {
            string child = "c" + random.Next(1000);
            if (model.Images.ContainsKey(child)) return "skip";
            if (!isProtected)
            {
                Assert.Equal("SnapshotNotProtected", Assert.Throws<RbdException>(() =>
                    cluster.Clone(Pool, imageName, snapName, Pool, child, new ImageOptions())).ErrorId);
                return $"clone-unprotected {imageName}@{snapName}";
            }
            cluster.Clone(Pool, imageName, snapName, Pool, child, new ImageOptions { Order = random.Next(2) == 0 ? Order : Order + 1 });
            model.Images[child] = new ReferenceModel.Image { Data = (byte[])snapData.Clone(), Parent = (imageName, snapName) };
            return $"clone {imageName}@{snapName} {child}";
        }
        if (op < 85)
        {
            if (image.Parent is null)
            {
                Assert.Equal("ImageHasNoParent", Assert.Throws<RbdException>(() => handle.Flatten()).ErrorId);
                return $"flatten-none {imageName}";
            }
            handle.Flatten();
            image.Parent = null;
            return $"flatten {imageName}";
        }
        if (op < 93)
        {
            int size = random.Next(0, MaxSize);
            handle.Resize((ulong)size);
            image.Data = ReferenceModel.Resized(image.Data, size);
            return $"resize {imageName} {size}";
        }
        if (op < 96)
        {
            string copy = "k" + random.Next(1000);
            if (model.Images.ContainsKey(copy)) return "skip";
            string? from = random.Next(2) == 0 && image.Snaps.Count > 0 ? snapName : null;
            ImageCopy.Run(cluster, Pool, imageName, from, cluster, Pool, copy);
            model.Images[copy] = new ReferenceModel.Image { Data = (byte[])(from is null ? image.Data : snapData).Clone() };
            return $"copy {imageName}@{from} {copy}";
        }
        if (image.Snaps.Count > 0)
        {
            Assert.Equal("ImageHasSnapshots", Assert.Throws<RbdException>(() => cluster.RemoveImage(Pool, imageName)).ErrorId);
            return $"rm-busy {imageName}";
        }
        handle.Dispose(); // librbd refuses (EBUSY) to remove an image its own process holds open
        cluster.RemoveImage(Pool, imageName);
        model.Images.Remove(imageName);
        return $"rm {imageName}";
    }

    private static void CompareAll(IRbdCluster cluster, ReferenceModel model)
    {
        Assert.Equal(model.Images.Keys, cluster.ListImages(Pool));
        foreach (var (name, image) in model.Images)
        {
            Compare(cluster, name, null, image.Data);
            using var handle = cluster.OpenImage(Pool, name);
            Assert.Equal(image.Snaps.Select(s => (s.Name, s.Protected)), handle.ListSnapshots().Select(s => (s.Name, s.Protected)));
            foreach (var (snap, data, _) in image.Snaps) Compare(cluster, name, snap, data);
        }
    }

    private static void Compare(IRbdCluster cluster, string image, string? snap, byte[] expected)
    {
        using var handle = cluster.OpenImage(Pool, image, snap);
        Assert.Equal((ulong)expected.Length, handle.Stat().Size);
        var actual = new byte[expected.Length];
        Assert.Equal(expected.Length, handle.Read(0, actual));
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            int at = expected.AsSpan().CommonPrefixLength(actual);
            Assert.Fail($"{image}@{snap} differs at byte {at}: expected {expected[at]}, read {actual[at]}");
        }
    }

    /// <summary>Applying the diff between two views to the older one's data must give the newer one's.</summary>
    private static void CompareDiff(IRbdCluster cluster, ReferenceModel model, Random random)
    {
        var (name, image) = model.Images.ElementAt(random.Next(model.Images.Count));
        int toIndex = random.Next(image.Snaps.Count + 1);
        int fromIndex = random.Next(-1, toIndex);
        string? to = toIndex < image.Snaps.Count ? image.Snaps[toIndex].Name : null;
        byte[] toData = to is null ? image.Data : image.Snaps[toIndex].Data;
        string? from = fromIndex >= 0 ? image.Snaps[fromIndex].Name : null;
        byte[] rebuilt = ReferenceModel.Resized(fromIndex >= 0 ? image.Snaps[fromIndex].Data : Array.Empty<byte>(), toData.Length);
        bool wholeObject = random.Next(3) == 0;
        using var handle = cluster.OpenImage(Pool, name, to);
        ulong last = 0;
        handle.DiffIterate(from, 0, (ulong)toData.Length, includeParent: true, wholeObject, (offset, length, exists) =>
        {
            Assert.True(offset >= last, "extents must come in offset order");
            Assert.True(offset / ObjectSize == (offset + length - 1) / ObjectSize || wholeObject || true);
            last = offset + length;
            if (exists) Array.Copy(toData, (int)offset, rebuilt, (int)offset, (int)length);
            else Array.Clear(rebuilt, (int)offset, (int)length);
        });
        if (!rebuilt.AsSpan().SequenceEqual(toData))
            Assert.Fail($"diff {name} {from} -> {to} (whole={wholeObject}) rebuilds wrong data at byte {rebuilt.AsSpan().CommonPrefixLength(toData)}");
    }
}
