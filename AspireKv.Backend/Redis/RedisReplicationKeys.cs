using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// The Redis keys and channels of one cluster. All keys carry the same hash tag so that the scripts, which
/// touch several of them, run on one shard of a Redis Cluster too.
/// </summary>
internal sealed class RedisReplicationKeys(string prefix)
{
    /// <summary>The global sequence: the newest version assigned.</summary>
    public RedisKey Sequence { get; } = $"{{{prefix}}}:seq";

    /// <summary>The durable copy: a hash from key to the message of its newest write.</summary>
    public RedisKey DurableCopy { get; } = $"{{{prefix}}}:data";

    /// <summary>The recent log: a sorted set of messages scored by version, trimmed to a fixed length.</summary>
    public RedisKey RecentLog { get; } = $"{{{prefix}}}:log";

    /// <summary>The current generation of the durable copy; missing after Redis lost data, until backends restored it.</summary>
    public RedisKey Epoch { get; } = $"{{{prefix}}}:epoch";

    /// <summary>The highest generation an epoch of this cluster had (<see cref="Replication.Epochs"/>); kept when the epoch ends.</summary>
    public RedisKey Generation { get; } = $"{{{prefix}}}:generation";

    /// <summary>Behind Sentinel: the replication id of the primary the current epoch started on.</summary>
    public RedisKey EpochPrimary { get; } = $"{{{prefix}}}:epoch:primary";

    /// <summary>Present for a while after a restore starts, so that every live backend can join before it ends.</summary>
    public RedisKey RestoreBarrier { get; } = $"{{{prefix}}}:restore:barrier";

    /// <summary>The backends taking part in a restore.</summary>
    public RedisKey RestoreMembers { get; } = $"{{{prefix}}}:restore:members";

    /// <summary>A member's liveness key during a restore.</summary>
    public RedisKey RestoreMember(string node) => $"{{{prefix}}}:restore:member:{node}";

    /// <summary>Where a restore from a snapshot collects its keys before they replace the durable copy in one step.</summary>
    public RedisKey SnapshotStaging(string restoreId) => $"{{{prefix}}}:snapshot:staging:{restoreId}";

    /// <summary>The record of a write made with an idempotency key.</summary>
    public RedisKey Idempotency(string idempotencyKey) => $"{{{prefix}}}:idem:{idempotencyKey}";

    /// <summary>The channel every committed write is published on.</summary>
    public RedisChannel Changes { get; } = RedisChannel.Literal($"{prefix}:changes");

    /// <summary>The channel every backend announces its status on.</summary>
    public RedisChannel Status { get; } = RedisChannel.Literal($"{prefix}:status");
}
