using AspireKv.Backend.Redis;
using AspireKv.Backend.Replication;

namespace AspireKv.Testing;

/// <summary>The Redis keys a backend uses under its default key prefix, for tests that look into Redis directly.</summary>
public static class BackendRedisKeys
{
    /// <summary>The hash that holds the durable copy.</summary>
    public static string DurableCopy { get; } = new RedisReplicationKeys(new ReplicationOptions().KeyPrefix).DurableCopy.ToString();
}
