using StackExchange.Redis;

namespace AspireKv.Backend.Replication;

/// <summary>
/// The Redis keys and channel of one cluster. All keys carry the same hash tag so that the write script,
/// which touches all of them, runs on one shard of a Redis Cluster too.
/// </summary>
internal sealed class RedisReplicationKeys(string prefix)
{
    /// <summary>The global sequence: the newest version assigned.</summary>
    public RedisKey Sequence { get; } = $"{{{prefix}}}:seq";

    /// <summary>The durable copy: a hash from key to the message of its newest write.</summary>
    public RedisKey DurableCopy { get; } = $"{{{prefix}}}:data";

    /// <summary>The recent log: a sorted set of messages scored by version, trimmed to a fixed length.</summary>
    public RedisKey RecentLog { get; } = $"{{{prefix}}}:log";

    /// <summary>The channel every committed write is published on.</summary>
    public RedisChannel Changes { get; } = RedisChannel.Literal($"{prefix}:changes");
}
