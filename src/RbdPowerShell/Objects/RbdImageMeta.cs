namespace RbdPowerShell;

/// <summary>One key of an image's metadata (rbd image-meta list); Spec and Key pipe into Set-/Remove-RbdImageMeta.</summary>
public sealed class RbdImageMeta
{
    internal RbdImageMeta(string pool, string image, string key, string value, RbdCluster cluster)
    {
        Pool = pool;
        Image = image;
        Key = key;
        Value = value;
        Cluster = cluster;
    }

    public string Pool { get; }
    public string Image { get; }
    /// <summary>pool/image.</summary>
    public string Spec => $"{Pool}/{Image}";
    public string Key { get; }
    public string Value { get; }
    public RbdCluster Cluster { get; }

    public override string ToString() => $"{Key}={Value}";
}
