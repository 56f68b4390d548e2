using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.Chaos.Running;

/// <summary>A backend of the run and the fault proxy on its link to Redis (none behind Sentinel, which hands out the servers' own addresses).</summary>
public sealed record ChaosBackend(ServiceProcess Process, TcpFaultProxy? RedisLink)
{
    public string Name => Process.Name;
}

/// <summary>
/// The system under test as real processes: a Redis server (redis-server or Garnet) that writes its append-only
/// file before it answers each write, three backends that reach Redis each through a fault proxy of their own (so
/// one can be cut off or slowed alone), and the balancer the clients talk to; the backends register with it. Or,
/// replicated, the AppHost's primary, two replicas and three Sentinels, which the backends reach through the Sentinels.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    private readonly ProcessCluster _processes;
    private readonly List<ChaosBackend> _backends = [];
    private ServiceProcess? _redis;
    private ReplicatedRedis? _replicated;
    private bool _disposed;

    private ChaosCluster(ProcessCluster processes) => _processes = processes;

    /// <summary>The one Redis server (not replicated).</summary>
    public ServiceProcess Redis => _redis ?? throw new InvalidOperationException("The replicated topology has no single Redis server.");

    /// <summary>The servers and Sentinels (replicated only).</summary>
    public ReplicatedRedis Replicated => _replicated ?? throw new InvalidOperationException("A single Redis server runs.");

    public bool IsReplicated => _replicated is not null;

    public ServiceProcess Balancer { get; private set; } = null!;

    public IReadOnlyList<ChaosBackend> Backends => _backends;

    /// <summary>The cluster secret: admin endpoints (status, digest) need it.</summary>
    public string Secret => _processes.Secret;

    /// <param name="repositoryRoot">The folder that holds AspireKv.sln.</param>
    /// <param name="configuration">Which build of the services to start.</param>
    /// <param name="backends">How many backends.</param>
    /// <param name="logDirectory">Where each process's warnings and errors go (<c>{name}.log</c>).</param>
    /// <param name="redis">Which Redis server to run.</param>
    /// <param name="replicated">Whether to run the replicated topology (redis-server only).</param>
    public static async Task<ChaosCluster> StartAsync(string repositoryRoot, string configuration, int backends, string logDirectory, RedisServerKind redis, bool replicated = false)
    {
        if (replicated && redis != RedisServerKind.RedisServer)
        {
            throw new ArgumentException("The replicated topology runs redis-server and redis-sentinel.", nameof(redis));
        }

        var cluster = new ChaosCluster(new ProcessCluster(repositoryRoot, configuration) { LogDirectory = logDirectory });
        try
        {
            // Every client of the run comes from 127.0.0.1: one rate-limit partition, which must not throttle them.
            cluster._processes.BalancerSettings["Balancer__RateLimitPerClient"] = "1000000";
            if (replicated)
            {
                cluster._replicated = await cluster._processes.StartReplicatedRedisAsync().ConfigureAwait(false);
            }
            else
            {
                cluster._redis = await cluster._processes.StartRedisAsync(redis, durable: true).ConfigureAwait(false);
            }

            cluster.Balancer = await cluster._processes.StartBalancerAsync().ConfigureAwait(false);
            for (var i = 1; i <= backends; i++)
            {
                var name = $"backend-{i}";
                if (cluster._replicated is { } servers)
                {
                    var process = await cluster._processes.StartBackendAsync(name, servers.ConnectionString, cluster.Balancer.Address).ConfigureAwait(false);
                    cluster._backends.Add(new ChaosBackend(process, null));
                }
                else
                {
                    var redisPort = cluster.Redis.Port;
                    var link = new TcpFaultProxy(() => new Uri(string.Create(CultureInfo.InvariantCulture, $"tcp://127.0.0.1:{redisPort}")));
                    var process = await cluster._processes.StartBackendAsync(name, link.Port, cluster.Balancer.Address).ConfigureAwait(false);
                    cluster._backends.Add(new ChaosBackend(process, link));
                }
            }

            // A backend registers on its first renewal after it is ready: wait for all, so that the first fault
            // does not find a balancer that knows one backend only.
            await cluster.WaitRegisteredAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until the balancer's registry lists every backend as registered (it also seeds its routing).</summary>
    public async Task WaitRegisteredAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Secret);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var registry = await http.GetFromJsonAsync(new Uri(Balancer.Address, KvRoutes.Registry), ContractsJsonContext.Default.IReadOnlyListRegisteredBackend).ConfigureAwait(false) ?? [];
            if (_backends.All(b => registry.Any(r => r.Registered && r.Name == b.Name)))
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The balancer did not list every backend as registered within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public ChaosBackend Backend(string name) => _backends.Single(b => b.Name == name);

    public static Task RestartAsync(ServiceProcess process) => ProcessCluster.RestartAsync(process);

    public Task RestartRedisAsync(bool keepData) => _processes.RestartRedisAsync(Redis, keepData);

    /// <summary>Undoes whatever fault may still be in place: resumes, reconnects and restarts what is down.</summary>
    public async Task HealAsync()
    {
        if (_replicated is { } replicated)
        {
            foreach (var process in replicated.Sentinels.Concat(replicated.Servers).Where(process => process.IsPaused))
            {
                await process.ResumeAsync().ConfigureAwait(false);
            }

            foreach (var server in replicated.Servers.Where(server => !server.IsRunning))
            {
                await replicated.RestartAsReplicaAsync(server).ConfigureAwait(false);
            }
        }

        foreach (var backend in _backends)
        {
            backend.RedisLink?.Restore();
            backend.RedisLink?.Delay = TimeSpan.Zero;
            if (backend.Process.IsPaused)
            {
                await backend.Process.ResumeAsync().ConfigureAwait(false);
            }

            if (!backend.Process.IsRunning)
            {
                await RestartAsync(backend.Process).ConfigureAwait(false);
            }
        }

        if (!Balancer.IsRunning)
        {
            await RestartAsync(Balancer).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: the run stops the processes before it deletes their logs, and `await using` comes after.
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Processes first: a backend that lost its proxy would only log reconnection attempts.
        await _processes.DisposeAsync().ConfigureAwait(false);
        foreach (var link in _backends.Select(backend => backend.RedisLink).OfType<TcpFaultProxy>())
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }
    }
}
