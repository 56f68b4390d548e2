using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AspireKv.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireKv.AppHost;

/// <summary>
/// The replicated topology: redis-server as a primary and two replicas, and three redis-sentinel processes that
/// watch them and promote a replica when the primary stops answering. Each is a resource of its own. The backends
/// reach the primary through the Sentinels, so they follow a promotion without a restart.
/// </summary>
internal static class ReplicatedRedisExtensions
{
    /// <summary>The name the Sentinels know the primary by; the backends' connection string names it (<c>serviceName=</c>).</summary>
    public const string ServiceName = "aspirekv";

    /// <summary>The first server's port when ports are fixed (not 6379, where Debian's own redis-server may run).</summary>
    public const int FirstFixedServerPort = 6380;

    /// <summary>The first Sentinel's port when ports are fixed (not 26379, Debian's redis-sentinel's).</summary>
    public const int FirstFixedSentinelPort = 26380;

    private const int Servers = 3;
    private const int Sentinels = 3;

    // Chosen for a small cluster on one machine: a primary silent for 1 s is down (Sentinel's default is 30 s), two
    // Sentinels must agree, and a failover that stalls is retried after 3 s.
    private const int DownAfterMilliseconds = 1000;
    private const int FailoverTimeoutMilliseconds = 3000;
    private const int Quorum = 2;

    public static IResourceBuilder<IResourceWithConnectionString> AddReplicatedRedis(
        this IDistributedApplicationBuilder builder, AppHostSettings settings, IResourceBuilder<ParameterResource> password)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // The Sentinels and the servers share the password: StackExchange.Redis sends one password to both.
        var secret = password.Resource.GetValueAsync(default).AsTask().GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("The Redis password has no value.");
        var serverPorts = Ports(settings, FirstFixedServerPort, Servers);
        var sentinelPorts = Ports(settings, FirstFixedSentinelPort, Sentinels);
        var root = Path.Combine(settings.DataDirectory, "replicated");
        var primary = LastPrimary(root, serverPorts);

        var servers = new List<IResourceBuilder<ExecutableResource>>();
        for (var i = 0; i < Servers; i++)
        {
            var name = $"redis-{i + 1}";
            var directory = Path.Combine(root, name);
            var replicaOf = i == primary ? (int?)null : serverPorts[primary];
            var config = WriteConfig(directory, "redis.conf", ServerConfig(serverPorts[i], directory, secret, replicaOf));
            var server = builder.AddExecutable(name, "redis-server", directory, config)
                .WithEndpoint(name: "tcp", scheme: "tcp", port: serverPorts[i], targetPort: serverPorts[i], isProxied: false);
            servers.Add(server.WithPingHealthCheck(builder, password).WithProcessFaultCommands(serverPorts[i], secret, sentinel: false));
        }

        var sentinels = new List<IResourceBuilder<ExecutableResource>>();
        for (var i = 0; i < Sentinels; i++)
        {
            var name = $"sentinel-{i + 1}";
            var directory = Path.Combine(root, name);
            // A Sentinel rewrites its file with what it learns; a new one is written on every run of the AppHost.
            var config = WriteConfig(directory, "sentinel.conf", SentinelConfig(sentinelPorts[i], directory, secret, serverPorts[primary]));
            var sentinel = builder.AddExecutable(name, "redis-sentinel", directory, config)
                .WithEndpoint(name: "tcp", scheme: "tcp", port: sentinelPorts[i], targetPort: sentinelPorts[i], isProxied: false);
            foreach (var server in servers)
            {
                sentinel.WaitFor(server);
            }

            var healthCheck = $"{name}-primary";
            var port = sentinelPorts[i];
            // One check (and one connection) per Sentinel for the AppHost's lifetime, not one per probe.
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, new SentinelHealthCheck(port, secret, ServiceName), null, null));
            sentinels.Add(sentinel.WithHealthCheck(healthCheck).WithProcessFaultCommands(port, secret, sentinel: true));
        }

        var addresses = string.Join(',', sentinelPorts.Select(port => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}")));
        var connection = builder.AddConnectionString(
            ConnectionNames.Redis,
            ReferenceExpression.Create($"{addresses},serviceName={ServiceName},password={password.Resource},abortConnect=false"));
        foreach (var dependency in servers.Concat(sentinels))
        {
            connection.WaitFor(dependency);
        }

        return connection;
    }

    /// <summary>
    /// Which server starts as the primary: the one the Sentinels last named (they write it into their files), so that
    /// the data of a run that failed over is not replaced by an older server's when the AppHost starts again.
    /// </summary>
    private static int LastPrimary(string root, int[] serverPorts)
    {
        var named = new List<int>();
        for (var i = 0; i < Sentinels; i++)
        {
            var path = Path.Combine(root, $"sentinel-{i + 1}", "sentinel.conf");
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (var line in File.ReadLines(path))
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words is ["sentinel", "monitor", ServiceName, _, var port, ..]
                    && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    && Array.IndexOf(serverPorts, number) is var index and >= 0)
                {
                    named.Add(index);
                }
            }
        }

        return named.Count == 0 ? 0 : named.GroupBy(index => index).OrderByDescending(group => group.Count()).First().Key;
    }

    private static string[] ServerConfig(int port, string directory, string password, int? replicaOf) =>
    [
        $"port {port}",
        "bind 127.0.0.1",
        $"dir {directory}",
        // Every write is appended and fsynced once a second; no RDB snapshots.
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
        .. replicaOf is { } primary ? [$"replicaof 127.0.0.1 {primary}"] : Array.Empty<string>(),
    ];

    private static string[] SentinelConfig(int port, string directory, string password, int primaryPort) =>
    [
        $"port {port}",
        "bind 127.0.0.1",
        $"dir {directory}",
        $"requirepass {password}",
        $"sentinel monitor {ServiceName} 127.0.0.1 {primaryPort} {Quorum}",
        $"sentinel auth-pass {ServiceName} {password}",
        $"sentinel down-after-milliseconds {ServiceName} {DownAfterMilliseconds}",
        $"sentinel failover-timeout {ServiceName} {FailoverTimeoutMilliseconds}",
        $"sentinel parallel-syncs {ServiceName} 2",
    ];

    // The files hold the password: readable by their owner only.
    private static string WriteConfig(string directory, string fileName, IEnumerable<string> lines)
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

    // The configuration files must name every port before anything starts, so ports are chosen here: the fixed ones,
    // or free ones of the machine's.
    private static int[] Ports(AppHostSettings settings, int first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => settings.FixedPorts ? first + i : FreePort())];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
