using AspireKv.AppHost;

namespace AspireKv.IntegrationTests;

/// <summary>What <c>Redis:Mode</c> and <c>Redis:Topology</c> resolve to, for each machine the AppHost can meet.</summary>
public sealed class RedisChoiceTests
{
    private static readonly Func<bool> Yes = () => true;
    private static readonly Func<bool> No = () => false;

    [Theory]
    // container runtime, redis-server and redis-sentinel installed → what auto, auto gives
    [InlineData(true, true, "container, single")]
    [InlineData(true, false, "container, single")]
    [InlineData(false, true, "redis-server, replicated")]
    [InlineData(false, false, "garnet, single")]
    public void Auto_PicksByWhatTheMachineHas(bool containerRuntime, bool redisServer, string chosen)
    {
        var choice = RedisChoice.Resolve(RedisMode.Auto, RedisTopology.Auto, () => containerRuntime, () => redisServer);

        Assert.StartsWith(chosen + " (", choice.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Redis:Mode auto: ", choice.Reason, StringComparison.Ordinal);
        Assert.Contains("Redis:Topology auto: ", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_SaysWhyGarnetRunsAlone()
    {
        var choice = RedisChoice.Resolve(RedisMode.Auto, RedisTopology.Auto, No, No);

        Assert.Equal(
            "garnet, single (Redis:Mode auto: no container runtime answered, redis-server or redis-sentinel is not installed; "
            + "Redis:Topology auto: Garnet has no Sentinel, no WAIT and no failover)",
            choice.ToString());
    }

    [Fact]
    public void ExplicitRedisServer_IsReplicatedOnlyWhenSentinelIsInstalled()
    {
        Assert.Equal(RedisTopology.Replicated, RedisChoice.Resolve(RedisMode.RedisServer, RedisTopology.Auto, No, Yes).Topology);
        var alone = RedisChoice.Resolve(RedisMode.RedisServer, RedisTopology.Auto, No, No);
        Assert.Equal(RedisTopology.Single, alone.Topology);
        Assert.Contains("redis-sentinel is not installed", alone.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitSettings_AreKept_AndTheMachineIsNotAsked()
    {
        Func<bool> unasked = () => throw new InvalidOperationException("asked the machine");

        var choice = RedisChoice.Resolve(RedisMode.RedisServer, RedisTopology.Single, unasked, unasked);

        Assert.Equal((RedisMode.RedisServer, RedisTopology.Single), (choice.Mode, choice.Topology));
        Assert.Equal("Redis:Mode set; Redis:Topology set", choice.Reason);
    }

    [Fact]
    public void ReplicatedWithAutoMode_RunsRedisServer_WithoutAskingForAContainer()
    {
        Func<bool> unasked = () => throw new InvalidOperationException("asked for a container runtime");

        var choice = RedisChoice.Resolve(RedisMode.Auto, RedisTopology.Replicated, unasked, Yes);

        Assert.Equal((RedisMode.RedisServer, RedisTopology.Replicated), (choice.Mode, choice.Topology));
    }

    [Theory]
    [InlineData("Garnet")]
    [InlineData("Container")]
    public void Replicated_OnAnotherServer_IsRefusedWithTheReason(string mode)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => RedisChoice.Resolve(Enum.Parse<RedisMode>(mode), RedisTopology.Replicated, No, Yes));

        Assert.Contains("Garnet has no Sentinel", refused.Message, StringComparison.Ordinal);
    }
}
