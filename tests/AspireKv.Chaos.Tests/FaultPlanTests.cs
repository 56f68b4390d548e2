using AspireKv.Chaos.Faults;

namespace AspireKv.Chaos.Tests;

public sealed class FaultPlanTests
{
    private static readonly string[] Backends = ["backend-1", "backend-2", "backend-3"];

    [Fact]
    public void Create_SameSeed_SameFaults()
    {
        var first = FaultPlan.Create(42, Backends, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)).Take(50).ToList();
        var second = FaultPlan.Create(42, Backends, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)).Take(50).ToList();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Create_OtherSeed_OtherFaults()
    {
        var first = FaultPlan.Create(1, Backends, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)).Take(50);
        var second = FaultPlan.Create(2, Backends, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)).Take(50);

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(1234, false)]
    [InlineData(1, true)]
    [InlineData(7, true)]
    public void Create_EveryRoundHasEveryKindOnceWithValidTargetsAndDurations(int seed, bool replicated)
    {
        var kinds = FaultKindExtensions.Of(replicated);
        var plan = FaultPlan.Create(seed, Backends, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), kinds).Take(kinds.Count * 4).ToList();

        foreach (var round in plan.Chunk(kinds.Count))
        {
            Assert.Equal(kinds.Order(), round.Select(f => f.Kind).Order());
        }

        Assert.All(plan, fault =>
        {
            Assert.InRange(fault.Duration, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
            Assert.Contains(fault.Target, fault.Kind switch
            {
                _ when fault.Kind.TargetsBackend() => Backends,
                FaultKind.KillPrimary or FaultKind.HangPrimary => ["primary"],
                FaultKind.KillReplica => ["replica"],
                FaultKind.HangSentinel => ["sentinel-1", "sentinel-2", "sentinel-3"],
                _ => ["redis", "balancer"],
            });
        });
    }

    [Fact]
    public void Topologies_ShareTheBackendAndBalancerFaults_AndSplitTheRest()
    {
        var single = FaultKindExtensions.Of(replicated: false);
        var replicated = FaultKindExtensions.Of(replicated: true);

        Assert.Equal(Enum.GetValues<FaultKind>().Order(), single.Union(replicated).Order());
        Assert.Equal([FaultKind.KillBackend, FaultKind.PauseBackend, FaultKind.RestartBalancer], single.Intersect(replicated).Order());
    }
}
