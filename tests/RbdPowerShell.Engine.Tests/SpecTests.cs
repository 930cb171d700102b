namespace RbdPowerShell.Engine.Tests;

public class SpecTests
{
    [Theory]
    [InlineData("openstack/img@s1", "openstack", "img", "s1")]
    [InlineData("openstack/img", "openstack", "img", null)]
    [InlineData("img@s1", "rbd", "img", "s1")]
    [InlineData("img", "rbd", "img", null)]
    [InlineData("volumes/volume-1.clone_snap", "volumes", "volume-1.clone_snap", null)]
    public void Parses_rbd_specs(string text, string pool, string image, string? snap)
    {
        var spec = ImageSpec.Parse(text);
        Assert.Equal((pool, image, snap), (spec.Pool, spec.Image, spec.Snapshot));
        Assert.Equal(text.Contains('/') ? text : $"rbd/{text}", spec.ToString());
    }

    [Theory]
    [InlineData("a/b/c/d@e@f", "InvalidSpec")]
    [InlineData("a/b/c", "InvalidSpec")]
    [InlineData("", "InvalidSpec")]
    [InlineData("../x", "InvalidName")]
    [InlineData("pool/..", "InvalidName")]
    [InlineData("pool/img@", "InvalidName")]
    [InlineData("/img", "InvalidName")]
    [InlineData("pool/a\u0001b", "InvalidName")]
    public void Refuses_malformed_specs(string text, string errorId)
    {
        var ex = Assert.Throws<RbdException>(() => ImageSpec.Parse(text));
        Assert.Equal(RbdErrno.EINVAL, ex.Errno);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(text, ex.Target);
    }

    [Fact]
    public void Kinds_require_or_forbid_a_snapshot()
    {
        Assert.Throws<RbdException>(() => ImageSpec.Parse("p/i@s", SpecKind.Image));
        Assert.Throws<RbdException>(() => ImageSpec.Parse("p/i", SpecKind.Snapshot));
        var pool = ImageSpec.Parse("openstack", SpecKind.PoolOrImage);
        Assert.Equal(("openstack", (string?)null), (pool.Pool, pool.Image));
    }

    [Theory]
    [InlineData("1024M", 1024UL << 20)]
    [InlineData("10G", 10UL << 30)]
    [InlineData("4K", 4096UL)]
    [InlineData("2TiB", 2UL << 40)]
    [InlineData("512", 512UL)]
    [InlineData(" 1gb ", 1UL << 30)]
    public void Parses_sizes(string text, ulong bytes) => Assert.Equal(bytes, SizeParser.Parse(text));

    [Fact]
    public void Parses_numbers_as_bytes()
    {
        Assert.Equal(1UL << 30, SizeParser.Parse(1073741824L));
        Assert.Equal(4096UL, SizeParser.Parse(4096));
        Assert.Equal(1024UL, SizeParser.Parse(1024.0));
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("ten")]
    [InlineData("10X")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    [InlineData("20000000E")]
    public void Refuses_bad_sizes(string text)
    {
        var ex = Assert.Throws<RbdException>(() => SizeParser.Parse(text));
        Assert.Equal("InvalidSize", ex.ErrorId);
    }

    [Fact]
    public void Refuses_negative_numbers() =>
        Assert.Equal("InvalidSize", Assert.Throws<RbdException>(() => SizeParser.Parse(-1)).ErrorId);

    [Theory]
    [InlineData(1UL << 30, "1 GiB")]
    [InlineData(12UL << 20, "12 MiB")]
    [InlineData(1536UL << 20, "1.5 GiB")]
    [InlineData(100UL, "100 B")]
    public void Formats_like_rbd(ulong bytes, string text) => Assert.Equal(text, SizeParser.Format(bytes));
}
