using System.Globalization;

namespace AspireKv.Contracts;

/// <summary>
/// The configuration files of the replicated topology (redis-server as a primary and replicas, redis-sentinel to
/// promote one), written by the AppHost and by the test harness that starts the same topology as plain processes.
/// </summary>
public static class ReplicatedRedisConfig
{
    /// <summary>The name the Sentinels know the primary by; a connection string names it (<c>serviceName=</c>).</summary>
    public const string ServiceName = "aspirekv";

    /// <summary>How many redis-server processes: a primary and two replicas.</summary>
    public const int Servers = 3;

    /// <summary>How many Sentinels: two must agree that the primary is down.</summary>
    public const int Sentinels = 3;

    // Chosen for a small cluster on one machine: a primary silent for 1 s is down (Sentinel's default is 30 s), two
    // Sentinels must agree, and a failover that stalls is retried after 3 s.
    private const int DownAfterMilliseconds = 1000;

    /// <summary>How long a primary must be silent before the Sentinels call it down: no failover ends sooner.</summary>
    public static readonly TimeSpan DownAfter = TimeSpan.FromMilliseconds(DownAfterMilliseconds);
    private const int FailoverTimeoutMilliseconds = 3000;
    private const int Quorum = 2;

    /// <summary>A server's file: a replica of <paramref name="replicaOf"/> (a port on 127.0.0.1), or a primary when null.</summary>
    public static IReadOnlyList<string> Server(int port, string directory, string password, int? replicaOf) =>
    [
        Line($"port {port}"),
        "bind 127.0.0.1",
        $"dir {directory}",
        // Every write is appended and fsynced once a second; no RDB snapshots. An acknowledged write is on a replica
        // as well (the backends wait for it), so a primary that dies with a second of its file unsynced loses nothing.
        "appendonly yes",
        "appendfsync everysec",
        "save \"\"",
        $"requirepass {password}",
        $"masterauth {password}",
        // A primary that has lost every replica for 3 s refuses writes (NOREPLICAS) rather than take ones it cannot
        // replicate; the backends also wait for a replica's confirmation of each write.
        "min-replicas-to-write 1",
        "min-replicas-max-lag 3",
        // A replica that needs a full copy (one restarted, or one that followed a promotion without a shared history)
        // gets it at once: the default waits 5 s for other replicas to share the transfer, and until the copy arrives
        // the primary counts one replica fewer and refuses writes.
        "repl-diskless-sync-delay 0",
        .. replicaOf is { } primary ? [Line($"replicaof 127.0.0.1 {primary}")] : Array.Empty<string>(),
    ];

    /// <summary>A Sentinel's file, watching the primary at <paramref name="primaryPort"/> on 127.0.0.1.</summary>
    public static IReadOnlyList<string> Sentinel(int port, string directory, string password, int primaryPort) =>
    [
        Line($"port {port}"),
        "bind 127.0.0.1",
        $"dir {directory}",
        $"requirepass {password}",
        Line($"sentinel monitor {ServiceName} 127.0.0.1 {primaryPort} {Quorum}"),
        $"sentinel auth-pass {ServiceName} {password}",
        Line($"sentinel down-after-milliseconds {ServiceName} {DownAfterMilliseconds}"),
        Line($"sentinel failover-timeout {ServiceName} {FailoverTimeoutMilliseconds}"),
        $"sentinel parallel-syncs {ServiceName} 2",
    ];

    /// <summary>
    /// The options of a backend's connection string besides the Sentinels' addresses and the password: the service
    /// name, so that it follows a promotion, and a connect timeout of 1.5 s instead of StackExchange.Redis's 5 s: each
    /// time it looks for the primary again it waits that long for every server to answer, and a hung primary never
    /// does (a healthy one answers in milliseconds on loopback). It shortens those searches; it did not shorten how
    /// long a hung primary holds writes up, which the connections' call timeouts decide (docs/performance.md).
    /// </summary>
    public const string ClientOptions = $"serviceName={ServiceName},abortConnect=false,connectTimeout=1500";

    /// <summary>What a backend is given: the Sentinels' addresses, <see cref="ClientOptions"/> and the password.</summary>
    public static string ConnectionString(IEnumerable<int> sentinelPorts, string password) =>
        string.Join(',', sentinelPorts.Select(port => Line($"127.0.0.1:{port}")))
        + $",{ClientOptions},password={password}";

    /// <summary>Writes <paramref name="lines"/> to <paramref name="fileName"/> in <paramref name="directory"/>, readable by its owner only (it holds the password).</summary>
    public static string Write(string directory, string fileName, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        File.WriteAllLines(path, lines);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    private static string Line(FormattableString line) => line.ToString(CultureInfo.InvariantCulture);
}
