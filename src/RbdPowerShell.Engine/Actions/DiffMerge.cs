namespace RbdPowerShell.Engine;

/// <summary>rbd merge-diff: two consecutive v1 diffs into one.</summary>
public static class DiffMerge
{
    /// <summary>
    /// do_merge_diff of src/tools/rbd/action/MergeDiff.cc, record for record: both streams must be v1 with their
    /// extents in ascending order; the first's 't' must equal the second's 'f'. The output has the first's 'f', the
    /// second's 't' and 's'; the second's extents win where they overlap the first's (which are cut around them);
    /// a grown image gets the first's 'z' for [first size, second size) where the second does not cover it, and a
    /// shrunk one drops the first's extents past the second's size. Data is copied in chunks, never held whole.
    /// </summary>
    public static void Run(Stream first, Stream second, Stream output)
    {
        var f = new DiffStreamReader(first);
        var s = new DiffStreamReader(second);
        var fHeader = ReadHeader(f);
        var sHeader = ReadHeader(s);
        if ((fHeader.To ?? "") != (sHeader.From ?? ""))
            throw new RbdException(RbdErrno.EINVAL, s.Description,
                $"The first diff '{f.Description}' ends at {Describe(fHeader.To, "the image head")} but the second '{s.Description}' " +
                $"starts from {Describe(sHeader.From, "the image's creation")}: the first TO snapshot must equal the second FROM " +
                "snapshot. Give two consecutive diffs, oldest first.")
            { ErrorId = "DiffMergeMismatch" };

        var writer = new DiffStreamWriter(output, DiffFormat.V1);
        writer.WriteBanner();
        if (!string.IsNullOrEmpty(fHeader.From)) writer.WriteFromSnap(fHeader.From);
        if (!string.IsNullOrEmpty(sHeader.To)) writer.WriteToSnap(sHeader.To);
        writer.WriteSize(sHeader.Size);

        ulong fSize = fHeader.Size, sSize = sHeader.Size;
        DiffRecord? fPending = fHeader.FirstBody, sPending = sHeader.FirstBody;
        byte fTag = 0, sTag = 0;
        ulong fOff = 0, fLen = 0, sOff = 0, sLen = 0;
        bool fEnd = false, sEnd = false;
        var copy = new byte[DiffRecords.IoChunk];

        while (!fEnd || !sEnd)
        {
            if (!fEnd && fLen == 0)
            {
                ulong last = fOff;
                var record = NextBody(f, ref fPending);
                fTag = record.Tag;
                if (fTag == DiffRecords.End)
                {
                    fEnd = true;
                    fTag = DiffRecords.Zero;
                    fOff = fSize;
                    fLen = fSize < sSize ? sSize - fSize : 0;
                }
                else (fOff, fLen) = (record.Offset, record.Length);
                if (last > fOff) throw f.Corrupt($"its extents are out of order ({last} > {fOff})");
            }
            if (!sEnd && sLen == 0)
            {
                ulong last = sOff;
                var record = NextBody(s, ref sPending);
                sTag = record.Tag;
                if (sTag == DiffRecords.End)
                {
                    sEnd = true;
                    sOff = sSize;
                    sLen = sSize < fSize ? fSize - sSize : 0;   // the first's extents past a shrunk end are dropped
                }
                else (sOff, sLen) = (record.Offset, record.Length);
                if (last > sOff) throw s.Corrupt($"its extents are out of order ({last} > {sOff})");
            }

            // the part of the first's extent before the second's goes out as it is
            if (fOff < sOff && fLen != 0)
            {
                ulong delta = Math.Min(sOff - fOff, fLen);
                Accept(f, writer, fTag, fOff, delta, copy);
                fOff += delta;
                fLen -= delta;
                if (fLen == 0) { fTag = 0; continue; }
            }
            if (fOff < sOff) throw s.Corrupt("an extent lies past its image size, so the diffs cannot be merged");

            // the part the second's extent covers is dropped
            if (fOff < sOff + sLen && fLen != 0)
            {
                ulong delta = Math.Min(sOff + sLen - fOff, fLen);
                if (fTag == DiffRecords.Write) f.Skip(delta);
                fOff += delta;
                fLen -= delta;
                if (fLen == 0) { fTag = 0; continue; }
            }
            if (fOff < sOff + sLen) throw s.Corrupt("an extent lies past its image size, so the diffs cannot be merged");

            if (sLen != 0)
            {
                Accept(s, writer, sTag, sOff, sLen, copy);
                sOff += sLen;
                sLen = 0;
                sTag = 0;
            }
            else if (!(fEnd && sEnd))
                throw (fEnd ? s : f).Corrupt("it has an extent past its image size");
        }
        writer.WriteEnd();
    }

    private sealed record Header(string? From, string? To, ulong Size, DiffRecord FirstBody);

    /// <summary>parse_diff_header: a v1 banner, then 'f', 't', 's' up to the first other record.</summary>
    private static Header ReadHeader(DiffStreamReader reader)
    {
        reader.ReadDiffBanner(DiffFormat.V1);
        string? from = null, to = null;
        ulong size = 0;
        while (true)
        {
            var record = reader.ReadRecord(DiffFormat.V1);
            switch (record.Tag)
            {
                case DiffRecords.FromSnap: from = record.Name; break;
                case DiffRecords.ToSnap: to = record.Name; break;
                case DiffRecords.ImageSize: size = record.Value; break;
                default: return new Header(from, to, size, record);
            }
        }
    }

    /// <summary>parse_diff_body: the next 'w', 'z' or 'e' (the one the header stopped at comes first).</summary>
    private static DiffRecord NextBody(DiffStreamReader reader, ref DiffRecord? pending)
    {
        var record = pending ?? reader.ReadRecord(DiffFormat.V1);
        pending = null;
        if (record.Tag == DiffRecords.End) return record;
        if (record.Tag is not (DiffRecords.Write or DiffRecords.Zero))
            throw reader.Corrupt($"a {DiffRecords.TagName(record.Tag)} record follows the data records");
        if (record.Length == 0)
            throw reader.Corrupt($"the {DiffRecords.TagName(record.Tag)} extent at offset {record.Offset} is empty");
        return record;
    }

    /// <summary>accept_diff_body: the record (tag, offset, length) and, for 'w', the next length bytes of data.</summary>
    private static void Accept(DiffStreamReader reader, DiffStreamWriter writer, byte tag, ulong offset, ulong length, byte[] copy)
    {
        if (tag == DiffRecords.End) return;
        writer.WriteExtent(tag, offset, length);
        if (tag != DiffRecords.Write) return;
        while (length > 0)
        {
            int n = (int)Math.Min(length, (ulong)copy.Length);
            reader.ReadData(copy.AsSpan(0, n));
            writer.WriteData(copy.AsSpan(0, n));
            length -= (ulong)n;
        }
    }

    private static string Describe(string? snapshot, string none) => string.IsNullOrEmpty(snapshot) ? none : $"snapshot '{snapshot}'";
}
