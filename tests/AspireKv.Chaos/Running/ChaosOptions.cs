using AspireKv.Chaos.Faults;
using AspireKv.Testing;

namespace AspireKv.Chaos.Running;

/// <summary>What a chaos run does. The defaults are the short run that CI executes.</summary>
public sealed record ChaosOptions
{
    /// <summary>Seeds the faults and every client's choices.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How long the clients work (faults are injected meanwhile). The run also stops at <see cref="Operations"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Stop after this many operations, if that comes before <see cref="Duration"/>.</summary>
    public int Operations { get; init; } = int.MaxValue;

    /// <summary>Concurrent clients, each a sequential process.</summary>
    public int Clients { get; init; } = 6;

    /// <summary>Size of the key space: few keys make many concurrent operations on each key.</summary>
    public int Keys { get; init; } = 10;

    public int Backends { get; init; } = 3;

    /// <summary>The Redis server the backends replicate through; each runs with its log written before every answer.</summary>
    public RedisServerKind Redis { get; init; } = RedisServerKind.RedisServer;

    /// <summary>
    /// A redis-server primary, two replicas and three Sentinels (the AppHost's replicated topology) instead of one
    /// server; redis-server only. Its faults are the primary's, a replica's and a Sentinel's.
    /// </summary>
    public bool Replicated { get; init; }

    /// <summary>
    /// The kinds of fault injected, in seeded rounds; every kind of the topology when null. A subset keeps a short run
    /// on the faults it is meant to show (CI's replicated run: failovers).
    /// </summary>
    public IReadOnlyList<FaultKind>? Faults { get; init; }

    /// <summary>The kinds of fault this run injects.</summary>
    public IReadOnlyList<FaultKind> FaultKinds => Faults ?? FaultKindExtensions.Of(Replicated);

    /// <summary>The Redis side as the summary and the history name it.</summary>
    public string RedisName => Replicated ? $"{Redis.DisplayName()} replicated" : Redis.DisplayName();

    /// <summary>How long each fault lasts, at least and at most.</summary>
    public TimeSpan MinFault { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxFault { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The delay per chunk on a slowed link to Redis.</summary>
    public TimeSpan SlowLinkDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>After the cluster has recovered from a fault, errors it explains are still allowed for this long (answers in flight).</summary>
    public TimeSpan RecoveryGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the cluster may take to be whole again after a fault.</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the summary and, when a check fails, the history go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "aspirekv-chaos");

    /// <summary>Also write the history when every check passes.</summary>
    public bool KeepHistory { get; init; }

    /// <summary>The folder that holds AspireKv.sln; found from the program's location when null.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Which build of the services to start; the runner's own configuration when null.</summary>
    public string? Configuration { get; init; }
}
