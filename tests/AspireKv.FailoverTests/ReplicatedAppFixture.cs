using AspireKv.IntegrationTests;

namespace AspireKv.FailoverTests;

/// <summary>The cluster on the replicated topology: a redis-server primary, two replicas and three Sentinels.</summary>
public sealed class ReplicatedAppFixture : AspireKvAppFixture
{
    /// <summary>The servers, the first of which starts as the primary.</summary>
    public static IReadOnlyList<string> Servers { get; } = ["redis-1", "redis-2", "redis-3"];

    protected override string RedisMode => "redis-server";

    protected override string RedisTopology => "replicated";

    public override string RedisServerResource => Servers[0];

    protected override IReadOnlyList<string> RedisResources => [.. Servers, "sentinel-1", "sentinel-2", "sentinel-3"];

    // The backends reach the primary through the Sentinels, which hand out the servers' own addresses.
    protected override bool ProxiesIsolatableBackend => false;
}
