namespace RbdPowerShell;

/// <summary>A pool (ceph osd pool ls): a namespace of images.</summary>
public sealed class RbdPool
{
    internal RbdPool(string name, int images, RbdCluster cluster)
    {
        Name = name;
        Images = images;
        Cluster = cluster;
    }

    public string Name { get; }
    /// <summary>How many images the pool holds.</summary>
    public int Images { get; }
    public RbdCluster Cluster { get; }

    public override string ToString() => Name;
}
