namespace AspireKv.AppHost;

/// <summary>How many Redis servers the AppHost starts (setting <c>Redis:Topology</c>).</summary>
internal enum RedisTopology
{
    /// <summary><see cref="Replicated"/> on redis-server when redis-sentinel is installed, else <see cref="Single"/> (<see cref="RedisChoice"/>).</summary>
    Auto,

    /// <summary>One server: while it is down, writes and strong reads stop.</summary>
    Single,

    /// <summary>A primary, two replicas and three Sentinels that promote a replica when the primary fails (redis-server only).</summary>
    Replicated,
}
