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
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1234)]
    public void Create_EveryRoundHasEveryKindOnceWithValidTargetsAndDurations(int seed)
    {
        var kinds = Enum.GetValues<FaultKind>();
        var plan = FaultPlan.Create(seed, Backends, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)).Take(kinds.Length * 4).ToList();

        foreach (var round in plan.Chunk(kinds.Length))
        {
            Assert.Equal(kinds.Order(), round.Select(f => f.Kind).Order());
        }

        Assert.All(plan, fault =>
        {
            Assert.InRange(fault.Duration, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
            Assert.Contains(fault.Target, fault.Kind.TargetsBackend() ? Backends : ["redis", "balancer"]);
        });
    }
}
