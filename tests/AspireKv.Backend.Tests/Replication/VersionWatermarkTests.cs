using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Replication;

public sealed class VersionWatermarkTests
{
    [Fact]
    public void Observe_InOrder_AdvancesWithoutGap()
    {
        var watermark = new VersionWatermark();

        watermark.Observe(1);
        watermark.Observe(2);

        Assert.Equal(2, watermark.Contiguous);
        Assert.Null(watermark.FirstMissing);
    }

    [Fact]
    public void Observe_VersionAhead_ReportsFirstMissing()
    {
        var watermark = new VersionWatermark();
        watermark.Observe(1);

        watermark.Observe(4);

        Assert.Equal(1, watermark.Contiguous);
        Assert.Equal(2, watermark.FirstMissing);
        Assert.Equal(4, watermark.Highest);
    }

    [Fact]
    public void Observe_MissingVersionsArrive_ClosesGapThroughPending()
    {
        var watermark = new VersionWatermark();
        watermark.Observe(3);
        watermark.Observe(1);

        watermark.Observe(2);

        Assert.Equal(3, watermark.Contiguous);
        Assert.Null(watermark.FirstMissing);
    }

    [Fact]
    public void Observe_Duplicate_ChangesNothing()
    {
        var watermark = new VersionWatermark();
        watermark.Observe(1);
        watermark.Observe(3);

        watermark.Observe(1);
        watermark.Observe(3);

        Assert.Equal(1, watermark.Contiguous);
        Assert.Equal(3, watermark.Highest);
    }

    [Fact]
    public void AdvanceTo_PastPending_DropsCoveredAndDrainsFollowing()
    {
        var watermark = new VersionWatermark();
        watermark.Observe(5);
        watermark.Observe(8);

        watermark.AdvanceTo(7);

        Assert.Equal(8, watermark.Contiguous);
        Assert.Null(watermark.FirstMissing);
    }

    [Fact]
    public void AdvanceTo_Lower_ChangesNothing()
    {
        var watermark = new VersionWatermark();
        watermark.Observe(1);
        watermark.Observe(2);

        watermark.AdvanceTo(1);

        Assert.Equal(2, watermark.Contiguous);
    }
}
