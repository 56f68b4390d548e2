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
}

/// <summary>Which faults make which client errors legitimate.</summary>
public static class FaultKindExtensions
{
    /// <summary>Faults of one backend: the target is a backend's name.</summary>
    public static bool TargetsBackend(this FaultKind kind) =>
        kind is FaultKind.KillBackend or FaultKind.PauseBackend or FaultKind.CutBackendFromRedis or FaultKind.SlowBackendLink;

    /// <summary>Faults that make Redis unreachable for every backend for a while.</summary>
    public static bool TakesRedisAway(this FaultKind kind) => kind is FaultKind.RestartRedis or FaultKind.RestartRedisEmpty;
}
