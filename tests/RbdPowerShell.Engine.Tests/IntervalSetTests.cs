namespace RbdPowerShell.Engine.Tests;

public class IntervalSetTests
{
    [Fact]
    public void Insert_merges_touching_and_overlapping_ranges()
    {
        var set = new IntervalSet();
        set.Insert(10, 5);
        set.Insert(20, 5);
        set.Insert(15, 5);
        set.Insert(0, 2);
        Assert.Equal(new[] { (0UL, 2UL), (10UL, 25UL) }, set.Ranges);
    }

    [Fact]
    public void Erase_and_clip_cut_ranges()
    {
        var set = new IntervalSet(0, 100);
        set.Erase(10, 10);
        Assert.Equal(new[] { (0UL, 10UL), (20UL, 100UL) }, set.Ranges);
        set.Clip(5, 20);
        Assert.Equal(new[] { (5UL, 10UL), (20UL, 25UL) }, set.Ranges);
        Assert.Equal(10UL, set.TotalLength);
    }

    [Fact]
    public void Round_trips_through_bytes()
    {
        var set = new IntervalSet(3, 4);
        set.Insert(100, 1);
        Assert.Equal(set.Ranges, IntervalSet.FromBytes(set.ToBytes()).Ranges);
    }
}
