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
    /// <summary>The first server's port when ports are fixed (not 6379, where Debian's own redis-server may run).</summary>
    public const int FirstFixedServerPort = 6380;

    /// <summary>The first Sentinel's port when ports are fixed (not 26379, Debian's redis-sentinel's).</summary>
    public const int FirstFixedSentinelPort = 26380;

    private const int Servers = ReplicatedRedisConfig.Servers;
    private const int Sentinels = ReplicatedRedisConfig.Sentinels;
    private const string ServiceName = ReplicatedRedisConfig.ServiceName;

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
            var port = serverPorts[i];
            string WriteConfig(int? replicaOf) =>
                ReplicatedRedisConfig.Write(directory, "redis.conf", ReplicatedRedisConfig.Server(port, directory, secret, replicaOf));
            var config = WriteConfig(i == primary ? null : serverPorts[primary]);
            var server = builder.AddExecutable(name, "redis-server", directory, config)
                .WithEndpoint(name: "tcp", scheme: "tcp", port: port, targetPort: port, isProxied: false)
                .WithRoleFromSentinels(port, sentinelPorts, secret, replicaOf => WriteConfig(replicaOf));
            servers.Add(server.WithPingHealthCheck(builder, password).WithProcessFaultCommands(port, secret, sentinel: false));
        }

        var sentinels = new List<IResourceBuilder<ExecutableResource>>();
        for (var i = 0; i < Sentinels; i++)
        {
            var name = $"sentinel-{i + 1}";
            var directory = Path.Combine(root, name);
            // A Sentinel rewrites its file with what it learns; a new one is written on every run of the AppHost.
            var config = ReplicatedRedisConfig.Write(directory, "sentinel.conf", ReplicatedRedisConfig.Sentinel(sentinelPorts[i], directory, secret, serverPorts[primary]));
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
            ReferenceExpression.Create($"{addresses},{ReplicatedRedisConfig.ClientOptions},password={password.Resource}"));
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
