using System.Text.Json.Nodes;

namespace RbdPowerShell.Engine.Tests;

/// <summary>
/// A random sequence of image operations (write, discard, snapshot, resize, rollback, snapshot removal) that
/// can run both on the engine and, through ceph_ops.py, on a real cluster; both sides make the same bytes
/// from a write's seed (see <see cref="Data"/>).
/// </summary>
public sealed class OpSequence
{
    public required string Name { get; init; }
    public required ulong Size { get; init; }
    public required int Order { get; init; }
    public required List<JsonArray> Ops { get; init; }

    public string ToJson() => new JsonObject
    {
        ["name"] = Name, ["size"] = Size, ["order"] = Order, ["ops"] = new JsonArray(Ops.Select(o => (JsonNode)o.DeepClone()).ToArray()),
    }.ToJsonString();

    /// <summary>The bytes a 'w' op writes: zeros for seed 0, else a 65521-byte block of an integer hash, repeated (as ceph_ops.py).</summary>
    public static byte[] Data(int seed, int length)
    {
        var data = new byte[length];
        if (seed == 0) return data;
        var block = new byte[65521];
        for (uint i = 0; i < block.Length; i++)
        {
            uint x = unchecked((uint)seed * 2654435761u + i * 40503u);
            x ^= x >> 15;
            x = unchecked(x * 2246822519u);
            x ^= x >> 13;
            block[i] = (byte)x;
        }
        for (int at = 0; at < length; at += block.Length)
            block.AsSpan(0, Math.Min(block.Length, length - at)).CopyTo(data.AsSpan(at));
        return data;
    }

    public static OpSequence Random(string name, Random random)
    {
        int order = new[] { 12, 16, 22 }[random.Next(3)];
        ulong objectSize = 1UL << order;
        ulong size = (ulong)random.Next(1, 7) * objectSize + (random.Next(3) == 0 ? (ulong)random.Next(1, (int)objectSize) : 0);
        var ops = new List<JsonArray>();
        var snaps = new List<(string Name, ulong Size)>();
        ulong current = size;
        int count = random.Next(3, 15), next = 0;
        for (int i = 0; i < count; i++)
        {
            double k = random.NextDouble();
            if (k < 0.4 && current > 0)
            {
                ulong offset = (ulong)random.NextInt64((long)current);
                ulong[] lengths = { 1, 10, 512, 4096, objectSize, 2 * objectSize, (ulong)random.Next(1, (int)objectSize) };
                ulong length = Math.Min(current - offset, lengths[random.Next(lengths.Length)]);
                ops.Add(new JsonArray("w", offset, length, random.Next(3) == 0 ? 0 : random.Next(1, 1_000_000)));
            }
            else if (k < 0.55 && current > 0)
            {
                ulong offset, length;
                if (random.Next(2) == 0) { offset = (ulong)random.NextInt64((long)current); length = Math.Min(current - offset, (ulong)random.NextInt64(1, 2 * (long)objectSize)); }
                else { offset = (ulong)random.NextInt64(Math.Max(1, (long)(current / objectSize))) * objectSize; length = Math.Min(current - offset, objectSize * (ulong)random.Next(1, 3)); }
                if (length > 0) ops.Add(new JsonArray("d", offset, length));
            }
            else if (k < 0.75)
            {
                string snap = $"s{++next}";
                ops.Add(new JsonArray("s", snap));
                snaps.Add((snap, current));
            }
            else if (k < 0.85)
            {
                current = (ulong)random.Next(0, 9) * objectSize + (random.Next(2) == 0 ? (ulong)random.Next(1, (int)objectSize) : 0);
                ops.Add(new JsonArray("r", current));
            }
            else if (k < 0.93 && snaps.Count > 0)
            {
                var (snap, snapSize) = snaps[random.Next(snaps.Count)];
                ops.Add(new JsonArray("rb", snap));
                current = snapSize;
            }
            else if (snaps.Count > 0)
            {
                var victim = snaps[random.Next(snaps.Count)];
                ops.Add(new JsonArray("rm", victim.Name));
                snaps.Remove(victim);
            }
        }
        return new OpSequence { Name = name, Size = size, Order = order, Ops = ops };
    }

    /// <summary>Runs the sequence on an image of the engine; returns the snapshots left, oldest first.</summary>
    public List<string> Apply(IRbdCluster cluster, string pool)
    {
        cluster.CreateImage(pool, Name, Size, new ImageOptions { Order = Order });
        using var image = cluster.OpenImage(pool, Name);
        var snaps = new List<string>();
        foreach (var op in Ops)
        {
            string kind = (string)op[0]!;
            switch (kind)
            {
                case "w": image.Write((ulong)op[1]!, Data((int)op[3]!, (int)(ulong)op[2]!)); break;
                case "d": image.Discard((ulong)op[1]!, (ulong)op[2]!); break;
                case "s": image.CreateSnapshot((string)op[1]!); snaps.Add((string)op[1]!); break;
                case "p": image.ProtectSnapshot((string)op[1]!); break;
                case "r": image.Resize((ulong)op[1]!); break;
                case "rb": image.RollbackSnapshot((string)op[1]!); break;
                case "rm": image.RemoveSnapshot((string)op[1]!); snaps.Remove((string)op[1]!); break;
            }
        }
        return snaps;
    }
}
