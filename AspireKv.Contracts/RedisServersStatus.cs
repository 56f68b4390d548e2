namespace AspireKv.Contracts;

/// <summary>
/// The Redis servers as one backend last saw them: which server is the primary, how far each replica is behind it,
/// and how many failovers the backend has seen since it started.
/// </summary>
/// <param name="Primary">The address (host:port) of the server answering as primary.</param>
/// <param name="FollowsFailovers">True behind Sentinel (the replicated topology); false on a single server.</param>
/// <param name="PrimaryOffset">The primary's replication offset: bytes of commands it has sent to its replicas.</param>
/// <param name="Replicas">The replicas connected to the primary, as the primary reports them.</param>
/// <param name="FailoversSeen">How often this backend saw the primary's term change: a replica promoted (told by the primary's replication ID, so a server promoted a second time counts again).</param>
/// <param name="LastFailoverAt">When it last saw that, if it did.</param>
/// <param name="ReadAt">When the primary was last asked.</param>
public sealed record RedisServersStatus(
    string Primary,
    bool FollowsFailovers,
    long PrimaryOffset,
    IReadOnlyList<RedisReplicaStatus> Replicas,
    long FailoversSeen,
    DateTimeOffset? LastFailoverAt,
    DateTimeOffset ReadAt);

/// <summary>One replica as the primary reports it (<c>INFO replication</c>).</summary>
/// <param name="Address">host:port the replica announced.</param>
/// <param name="State">Redis's word for its link: <c>online</c> once it follows the stream, <c>wait_bgsave</c>, <c>send_bulk</c> while it loads.</param>
/// <param name="Offset">The replication offset it acknowledged.</param>
/// <param name="LagBytes">How far its offset is behind the primary's.</param>
/// <param name="SecondsSinceAck">Seconds since its last acknowledgement (replicas acknowledge every second).</param>
public sealed record RedisReplicaStatus(string Address, string State, long Offset, long LagBytes, long SecondsSinceAck);
