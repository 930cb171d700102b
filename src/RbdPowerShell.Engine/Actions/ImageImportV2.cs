namespace RbdPowerShell.Engine;

/// <summary>rbd import --export-format 2: recreates an image with every snapshot and its protection.</summary>
public static class ImageImportV2
{
    /// <summary>The features the embedded store (and this engine's images) know; others in 'T' are dropped.</summary>
    internal const RbdFeatures SupportedFeatures = RbdFeatures.Default;

    /// <summary>
    /// do_import with format 2: the "rbd image v2" header ('O', 'T', 'U', 'C', 'M' metadata; unknown records
    /// skipped; options given by the caller win over the stream's, as in rbd), then "rbd image diffs v2", the le64
    /// count and that many "rbd diff v2" streams applied in turn (each creating its end snapshot) — all inside
    /// <see cref="Undo.CreateAndFill"/>, so a refused or corrupt stream leaves no image behind.
    /// </summary>
    public static void Run(IRbdCluster cluster, Stream input, string pool, string image, ImageOptions options,
                           ProgressHandler? progress = null)
    {
        var reader = new DiffStreamReader(input);
        reader.ExpectBanner(DiffRecords.ImageBannerV2, "an rbd export format 2 stream ('rbd image v2')");
        ulong? order = null, features = null;
        var metadata = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var tag = ReadTag(reader);
            if (tag == DiffRecords.ImageEnd) break;
            ulong length = reader.ReadU64($"the length of an image record {DiffRecords.TagName(tag)}");
            reader.CheckAvailable(length, $"the image record {DiffRecords.TagName(tag)}");
            switch (tag)
            {
                case DiffRecords.ImageOrder:
                case DiffRecords.ImageFeatures:
                case DiffRecords.ImageStripeUnit:
                case DiffRecords.ImageStripeCount:
                    if (length != 8)
                        throw reader.Corrupt($"the image record {DiffRecords.TagName(tag)} is {length} bytes long instead of 8");
                    ulong value = reader.ReadU64($"the image record {DiffRecords.TagName(tag)}");
                    if (tag == DiffRecords.ImageOrder) order = value;
                    else if (tag == DiffRecords.ImageFeatures) features = value;
                    break;
                case DiffRecords.ImageMeta:
                    metadata.Add(ReadMeta(reader, length));
                    break;
                default:   // records of later versions
                    reader.Skip(length);
                    break;
            }
        }
        reader.ExpectBanner(DiffRecords.ImageDiffsBannerV2, "an rbd export format 2 stream ('rbd image diffs v2' after the header)");
        ulong count = reader.ReadU64("the number of diffs");

        var create = new ImageOptions
        {
            Order = options.Order ?? (order is { } o ? (int)Math.Min(o, int.MaxValue) : null),
            Features = options.Features ?? (features is { } f ? (RbdFeatures)f & SupportedFeatures : null),
        };
        Undo.CreateAndFill(cluster, pool, image, () => cluster.CreateImage(pool, image, 0, create), () =>
        {
            using var target = cluster.OpenImage(pool, image);
            foreach (var (key, value) in metadata) target.SetMetadata(key, value);
            for (ulong i = 0; i < count; i++)
            {
                DiffImport.Apply(target, reader, DiffFormat.V2, null);
                progress?.Invoke(i + 1, count);
            }
        });
    }

    private static byte ReadTag(DiffStreamReader reader)
    {
        Span<byte> tag = stackalloc byte[1];
        try { reader.ReadData(tag); }
        catch (RbdException) { throw reader.Corrupt("the image header ends without the 'E' record"); }
        return tag[0];
    }
    /// <summary>An 'M' record: key and value, each le32 length + bytes, filling exactly <paramref name="length"/> bytes.</summary>
    private static KeyValuePair<string, string> ReadMeta(DiffStreamReader reader, ulong length)
    {
        if (length < 8 || length > int.MaxValue) throw reader.Corrupt($"an image metadata record is {length} bytes long");
        var record = new byte[length];
        reader.ReadData(record);
        uint keyLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record);
        if (keyLength > length - 8) throw reader.Corrupt("an image metadata record's key is longer than the record");
        uint valueLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(4 + (int)keyLength));
        if (8 + keyLength + valueLength != length) throw reader.Corrupt("an image metadata record's key and value do not fill it");
        return KeyValuePair.Create(System.Text.Encoding.UTF8.GetString(record, 4, (int)keyLength),
                                   System.Text.Encoding.UTF8.GetString(record, 8 + (int)keyLength, (int)valueLength));
    }
}
