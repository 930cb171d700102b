namespace RbdPowerShell.Engine;

/// <summary>
/// An rbd image spec: <c>pool/image@snap</c>, <c>pool/image</c>, <c>image@snap</c> or <c>image</c>
/// (the pool then defaults to <c>rbd</c>, as in the rbd tool), or just a pool name where the
/// caller asks for one.
/// </summary>
public sealed record ImageSpec(string Pool, string? Image, string? Snapshot)
{
    public const string DefaultPool = "rbd";

    public override string ToString() =>
        Image is null ? Pool : Snapshot is null ? $"{Pool}/{Image}" : $"{Pool}/{Image}@{Snapshot}";

    /// <summary>Parses an image spec; refuses anything malformed with EINVAL.</summary>
    public static ImageSpec Parse(string text, SpecKind kind = SpecKind.ImageOrSnapshot)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Invalid(text ?? "", "an image spec is empty");
        var at = text.Split('@');
        if (at.Length > 2)
            throw Invalid(text, "more than one '@'");
        var path = at[0].Split('/');
        if (path.Length > 2)
            throw Invalid(text, "namespaces are not supported; expected pool/image@snap");
        string pool = path.Length == 2 ? path[0] : DefaultPool;
        string? image = path[^1];
        string? snap = at.Length == 2 ? at[1] : null;

        if (kind == SpecKind.PoolOrImage && path.Length == 1 && snap is null)
            return new ImageSpec(NameRules.Check(image, "pool", text), null, null);

        NameRules.Check(pool, "pool", text);
        NameRules.Check(image, "image", text);
        if (snap is not null) NameRules.Check(snap, "snapshot", text);

        if (kind == SpecKind.Image && snap is not null)
            throw Invalid(text, "a snapshot is not allowed here; expected pool/image");
        if (kind == SpecKind.Snapshot && snap is null)
            throw Invalid(text, "a snapshot name is required; expected pool/image@snap");
        return new ImageSpec(pool, image, snap);
    }

    public static RbdException Invalid(string text, string why) =>
        new(RbdErrno.EINVAL, text, $"'{text}' is not a valid spec: {why}.") { ErrorId = "InvalidSpec" };
}

public enum SpecKind
{
    /// <summary>pool/image or pool/image@snap.</summary>
    ImageOrSnapshot,
    /// <summary>pool/image only.</summary>
    Image,
    /// <summary>pool/image@snap only.</summary>
    Snapshot,
    /// <summary>a bare word is a pool; pool/image names an image.</summary>
    PoolOrImage,
}

/// <summary>What rbd accepts as a pool, image or snapshot name; names never become paths.</summary>
public static class NameRules
{
    public const int MaxLength = 255;

    public static string Check(string? name, string what, string? target = null)
    {
        string? why =
            string.IsNullOrEmpty(name) ? "it is empty" :
            name.Length > MaxLength ? $"it is longer than {MaxLength} characters" :
            name is "." or ".." ? "'.' and '..' are not names" :
            name.IndexOfAny(new[] { '/', '@', '\\' }) >= 0 ? "it contains '/', '@' or '\\'" :
            name.Any(char.IsControl) ? "it contains control characters" :
            null;
        if (why is null) return name!;
        throw new RbdException(RbdErrno.EINVAL, target ?? name ?? "",
            $"'{name}' is not a valid {what} name: {why}. Use letters, digits and . _ - +.")
        { ErrorId = "InvalidName" };
    }
}
