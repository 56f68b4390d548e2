namespace AspireKv.Contracts;

/// <summary>A backend's replication state (<c>GET /admin/status</c>).</summary>
/// <param name="Name">The backend's name.</param>
/// <param name="Ready">True once its first load of the durable copy has finished; only then does it take traffic (a later reload does not take it out).</param>
/// <param name="RedisConnected">Whether its last exchange with Redis succeeded.</param>
/// <param name="AppliedVersion">Every write up to this version has been applied here.</param>
/// <param name="HeadVersion">The newest version Redis had assigned when this backend last asked.</param>
/// <param name="Lag">How many versions it is behind <paramref name="HeadVersion"/>.</param>
/// <param name="Keys">Live keys held (tombstones excluded).</param>
/// <param name="FullResyncs">How often it has reloaded the whole durable copy, the first load included.</param>
/// <param name="Restoring">True while it writes its data back into a Redis that lost data.</param>
/// <param name="Restores">How many restores it took part in (starting a new cluster is one).</param>
/// <param name="Epoch">The generation of the durable copy it last loaded; it changes after every restore.</param>
/// <param name="ProcessId">The backend's operating-system process id, for fault-injection tools.</param>
/// <param name="Redis">The Redis servers as this backend last saw them; null until it has asked.</param>
public sealed record NodeStatus(
    string Name,
    bool Ready,
    bool RedisConnected,
    long AppliedVersion,
    long HeadVersion,
    long Lag,
    long Keys,
    long FullResyncs,
    bool Restoring,
    long Restores,
    string? Epoch,
    int ProcessId,
    RedisServersStatus? Redis = null);
