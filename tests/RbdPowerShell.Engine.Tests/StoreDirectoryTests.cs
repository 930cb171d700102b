using RbdPowerShell.Engine.Embedded;

namespace RbdPowerShell.Engine.Tests;

/// <summary>EmbeddedCluster.IsStore: what Connect-RbdCluster -Path asks before it writes into a folder.</summary>
public class StoreDirectoryTests
{
    [Fact]
    public void A_store_is_a_store_and_nothing_else_is()
    {
        using var temp = new TempStore();
        Assert.True(EmbeddedCluster.IsStore(temp.Cluster.Location));

        var other = Path.Combine(temp.Directory, "etc-ceph");
        Assert.False(EmbeddedCluster.IsStore(other));   // missing
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "ceph.conf"), "[global]\n");
        Assert.False(EmbeddedCluster.IsStore(other));
        Assert.Equal(new[] { "ceph.conf" }, Directory.EnumerateFileSystemEntries(other).Select(Path.GetFileName));
    }
}
