namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// A Glance rbd:// location: <c>rbd://fsid/pool/image/snap</c> (the four-part form Glance writes and Nova can
/// clone) or the legacy <c>rbd://image</c> (the image in Glance's pool, no snapshot).
/// </summary>
public sealed record GlanceLocation(string? Fsid, string Pool, string Image, string? Snapshot)
{
    public override string ToString() =>
        Fsid is null ? $"rbd://{Image}" : $"rbd://{Fsid}/{Pool}/{Image}/{Snapshot}";

    public static string For(Guid fsid, string pool, string image, string snapshot) => $"rbd://{fsid}/{pool}/{image}/{snapshot}";

    /// <summary>Whether the location names an image of <paramref name="cluster"/> (the legacy form always does).</summary>
    public bool IsOn(IRbdCluster cluster) =>
        Fsid is null || string.Equals(Fsid, cluster.Fsid.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a location as Glance's rbd store does; refuses anything else with InvalidLocation.</summary>
    public static GlanceLocation Parse(string url, string glancePool)
    {
        const string prefix = "rbd://";
        if (!url.StartsWith(prefix, StringComparison.Ordinal))
            throw Invalid(url, "it does not start with rbd://");
        var parts = url[prefix.Length..].Split('/');
        if (parts.Any(p => p.Length == 0))
            throw Invalid(url, "it has an empty field");
        switch (parts.Length)
        {
            case 1:
                NameRules.Check(parts[0], "image", url);
                return new GlanceLocation(null, glancePool, parts[0], null);
            case 4:
                NameRules.Check(parts[1], "pool", url);
                NameRules.Check(parts[2], "image", url);
                NameRules.Check(parts[3], "snapshot", url);
                return new GlanceLocation(parts[0], parts[1], parts[2], parts[3]);
            default:
                throw Invalid(url, "it must have 4 fields (rbd://fsid/pool/image/snap) or 1 (rbd://image)");
        }
    }

    private static RbdException Invalid(string url, string why) =>
        new(RbdErrno.EINVAL, url, $"'{url}' is not a valid Glance rbd location: {why}.") { ErrorId = "InvalidLocation" };

    /// <summary>
    /// Nova's (and Cinder's) is_cloneable: a valid four-part location, on this cluster (same fsid), a raw image,
    /// and a snapshot that exists. Returns null when cloneable, otherwise why not.
    /// </summary>
    public static string? WhyNotCloneable(OpenStackContext context, GlanceImage image, out GlanceLocation? location)
    {
        location = null;
        if (image.Location is null) return $"image {image.Id} has no location";
        try { location = Parse(image.Location, context.Settings.GlancePool); }
        catch (RbdException ex) { return ex.Message.TrimEnd('.'); }
        if (location.Fsid is null) return $"the location {image.Location} is not of the form rbd://fsid/pool/image/snap";
        if (!location.IsOn(context.Cluster))
            return $"the location is on another cluster (fsid {location.Fsid}, this one is {context.Cluster.Fsid})";
        if (image.DiskFormat != "raw") return $"the disk format is {image.DiskFormat}, not raw";
        var parsed = location;
        if (!context.ImageExists(context.Cluster, parsed.Pool, parsed.Image) ||
            !OpenStackContext.Snapshots(context.Cluster, parsed.Pool, parsed.Image).Any(s => s.Name == parsed.Snapshot))
            return $"{parsed.Pool}/{parsed.Image}@{parsed.Snapshot} does not exist";
        return null;
    }

    /// <summary>Where a Glance image's data is on this cluster, for a download: its location, or the image named by its id.</summary>
    public static (string Pool, string Image, string? Snapshot) DataOf(OpenStackContext context, GlanceImage image, GlanceLocation? location)
    {
        if (location is not null && location.IsOn(context.Cluster))
            return (location.Pool, location.Image, location.Snapshot);
        if (context.ImageExists(context.Cluster, context.Settings.GlancePool, image.Id))
            return (context.Settings.GlancePool, image.Id, null);
        throw new RbdException(RbdErrno.ENOENT, image.Id,
            $"The data of Glance image '{image.Name}' ({image.Id}) is not on this cluster ({image.Location ?? "no location"}).")
        { ErrorId = "ImageDataNotFound" };
    }
}
