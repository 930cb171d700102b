using System.Buffers.Binary;

namespace RbdPowerShell.Engine;

/// <summary>A set of byte ranges kept sorted and disjoint (Ceph's interval_set).</summary>
public sealed class IntervalSet
{
    private readonly List<(ulong Start, ulong End)> _ranges = new();

    public IntervalSet() { }

    public IntervalSet(ulong start, ulong length) => Insert(start, length);

    public IReadOnlyList<(ulong Start, ulong End)> Ranges => _ranges;

    public IntervalSet Clone()
    {
        var copy = new IntervalSet();
        copy._ranges.AddRange(_ranges);
        return copy;
    }

    /// <summary>Adds [start, start+length), merging with touching ranges.</summary>
    public void Insert(ulong start, ulong length)
    {
        if (length == 0) return;
        ulong end = start + length;
        int i = 0;
        while (i < _ranges.Count && _ranges[i].End < start) i++;
        int j = i;
        while (j < _ranges.Count && _ranges[j].Start <= end)
        {
            start = Math.Min(start, _ranges[j].Start);
            end = Math.Max(end, _ranges[j].End);
            j++;
        }
        _ranges.RemoveRange(i, j - i);
        _ranges.Insert(i, (start, end));
    }

    public void UnionWith(IntervalSet other)
    {
        foreach (var (s, e) in other._ranges) Insert(s, e - s);
    }

    /// <summary>Removes [start, start+length).</summary>
    public void Erase(ulong start, ulong length)
    {
        if (length == 0) return;
        ulong end = start + length;
        var result = new List<(ulong, ulong)>(_ranges.Count + 1);
        foreach (var (s, e) in _ranges)
        {
            if (e <= start || s >= end) { result.Add((s, e)); continue; }
            if (s < start) result.Add((s, start));
            if (e > end) result.Add((end, e));
        }
        _ranges.Clear();
        _ranges.AddRange(result);
    }

    /// <summary>Keeps only what lies inside [start, start+length).</summary>
    public void Clip(ulong start, ulong length)
    {
        ulong end = start + length;
        var result = new List<(ulong, ulong)>(_ranges.Count);
        foreach (var (s, e) in _ranges)
        {
            ulong cs = Math.Max(s, start), ce = Math.Min(e, end);
            if (cs < ce) result.Add((cs, ce));
        }
        _ranges.Clear();
        _ranges.AddRange(result);
    }

    public ulong TotalLength => _ranges.Aggregate(0UL, (sum, r) => sum + (r.End - r.Start));

    public byte[] ToBytes()
    {
        var bytes = new byte[_ranges.Count * 16];
        for (int i = 0; i < _ranges.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 16), _ranges[i].Start);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 16 + 8), _ranges[i].End);
        }
        return bytes;
    }

    public static IntervalSet FromBytes(ReadOnlySpan<byte> bytes)
    {
        var set = new IntervalSet();
        for (int i = 0; i + 16 <= bytes.Length; i += 16)
            set._ranges.Add((BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]),
                             BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i + 8)..])));
        return set;
    }

    public override string ToString() => "[" + string.Join(",", _ranges.Select(r => $"{r.Start}~{r.End - r.Start}")) + "]";
}
