namespace AspireKv.Chaos.Faults;

/// <summary>The faults the runner injects: every kind of the failure model AspireKv promises to survive, one at a time (docs/architecture.md).</summary>
public enum FaultKind
{
    /// <summary>SIGKILL a backend, then start it again on the same port under the same name.</summary>
    KillBackend,

    /// <summary>SIGSTOP a backend (it hangs with its sockets open), then SIGCONT.</summary>
    PauseBackend,

    /// <summary>Cut a backend's connections to Redis (pub/sub messages are lost meanwhile), then let them through.</summary>
    CutBackendFromRedis,

    /// <summary>Delay every chunk on a backend's link to Redis, then remove the delay.</summary>
    SlowBackendLink,

    /// <summary>SIGKILL Redis and start it again with its data (append-only file, fsync on every write).</summary>
    RestartRedis,

    /// <summary>SIGKILL Redis and start it again empty: everything it held is lost.</summary>
    RestartRedisEmpty,

    /// <summary>SIGKILL the balancer and start it again: its registry must rebuild from the backends' renewals.</summary>
    RestartBalancer,

    /// <summary>Replicated topology: SIGKILL the primary; once a replica is promoted, start it again as a replica.</summary>
    KillPrimary,

    /// <summary>Replicated topology: SIGSTOP the primary until a replica is promoted, then SIGCONT.</summary>
    HangPrimary,

    /// <summary>Replicated topology: SIGKILL a replica, then start it again as a replica of the primary.</summary>
    KillReplica,

    /// <summary>Replicated topology: SIGSTOP a Sentinel, then SIGCONT.</summary>
    HangSentinel,
}

/// <summary>Which faults make which client errors legitimate.</summary>
public static class FaultKindExtensions
{
    /// <summary>Faults of one backend: the target is a backend's name.</summary>
    public static bool TargetsBackend(this FaultKind kind) =>
        kind is FaultKind.KillBackend or FaultKind.PauseBackend or FaultKind.CutBackendFromRedis or FaultKind.SlowBackendLink;

    /// <summary>Faults that make Redis unreachable for every backend for a while (a failover included).</summary>
    public static bool TakesRedisAway(this FaultKind kind) =>
        kind is FaultKind.RestartRedis or FaultKind.RestartRedisEmpty or FaultKind.KillPrimary or FaultKind.HangPrimary;

    /// <summary>
    /// The faults of a topology. Behind Sentinel the backends reach the servers at the addresses the Sentinels hand out,
    /// so there is no per-backend link to cut or slow, and Redis is not restarted as a whole: its primary, a replica or
    /// a Sentinel fails instead.
    /// </summary>
    public static IReadOnlyList<FaultKind> Of(bool replicated) => replicated
        ?
        [
            FaultKind.KillBackend, FaultKind.PauseBackend, FaultKind.RestartBalancer,
            FaultKind.KillPrimary, FaultKind.HangPrimary, FaultKind.KillReplica, FaultKind.HangSentinel,
        ]
        :
        [
            FaultKind.KillBackend, FaultKind.PauseBackend, FaultKind.CutBackendFromRedis, FaultKind.SlowBackendLink,
            FaultKind.RestartRedis, FaultKind.RestartRedisEmpty, FaultKind.RestartBalancer,
        ];
}
