using AspireKv.Chaos.Checking;

namespace AspireKv.Chaos.Tests.Checking;

public sealed class ViolationLogTests
{
    [Fact]
    public void Lines_PastTheCap_AreCountedNotShown()
    {
        var log = new ViolationLog(maxLines: 3);
        for (var i = 1; i <= 7; i++)
        {
            log.Add("violation " + i);
        }

        Assert.Equal(["violation 1", "violation 2", "violation 3", "... and 4 more"], log.Lines());
        Assert.Equal(7, log.Count);
    }

    [Fact]
    public void Lines_UpToTheCap_AreAllShown()
    {
        var log = new ViolationLog(maxLines: 2);
        log.Add("one");
        log.Add("two");

        var result = log.ToResult("invariant", 5);

        Assert.Equal(["one", "two"], result.Violations);
        Assert.False(result.Passed);
        Assert.Equal(5, result.Checked);
    }
}
