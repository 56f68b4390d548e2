using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AspireKv.Contracts;
using AspireKv.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireKv.IntegrationTests;

/// <summary>
/// One running AspireKv (Redis, three backends, the balancer) shared by the tests of a class, started
/// through the real AppHost with <see cref="DistributedApplicationTestingBuilder"/>. Ports are allocated
/// (not 4000/5001…) so a developer's own instance can run beside the tests; data lives in a fresh
/// directory that is deleted afterwards.
/// </summary>
public abstract class AspireKvAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly Dictionary<(string Resource, bool WithSecret), HttpClient> _clients = [];
    private string? _clusterSecret;
    private DirectoryInfo? _dataDirectory;
    private DistributedApplication? _app;
    private AppResources? _resources;
    private TcpFaultProxy? _redisProxy;

    /// <summary>The backends the AppHost starts.</summary>
    public static IReadOnlyList<string> BackendNames { get; } = ["backend-1", "backend-2", "backend-3"];

    /// <summary>The backend whose connection to Redis goes through <see cref="RedisProxy"/>, so a test can cut it off.</summary>
    public const string IsolatableBackend = "backend-3";

    /// <summary>A backend the AppHost declares but does not start: a new backend joining the cluster.</summary>
    public const string StandbyBackend = "backend-4";

    /// <summary>The proxy between <see cref="IsolatableBackend"/> and Redis.</summary>
    public TcpFaultProxy RedisProxy => _redisProxy ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>Where the Redis server keeps its files; deleting it while Redis is stopped makes Redis restart empty.</summary>
    public string RedisDataDirectory => Path.Combine(_dataDirectory!.FullName, RedisServerResource);

    /// <summary>A StackExchange.Redis connection string of the cluster's Redis server, as the backends get it.</summary>
    public async Task<string> RedisConnectionStringAsync(CancellationToken cancellationToken) =>
        await App.GetConnectionStringAsync(ConnectionNames.Redis, cancellationToken) ?? throw new InvalidOperationException("The AppHost gives no Redis connection string.");

    /// <summary>The value of the AppHost's <c>Redis:Mode</c> setting.</summary>
    protected abstract string RedisMode { get; }

    /// <summary>The resource that runs the Redis-compatible server.</summary>
    public abstract string RedisServerResource { get; }

    /// <summary>The value of the AppHost's <c>Redis:Topology</c> setting.</summary>
    protected virtual string RedisTopology => "single";

    /// <summary>Every resource of the Redis side: servers and, in the replicated topology, Sentinels.</summary>
    protected virtual IReadOnlyList<string> RedisResources => [RedisServerResource];

    /// <summary>Whether <see cref="IsolatableBackend"/> reaches Redis through <see cref="RedisProxy"/>.</summary>
    protected virtual bool ProxiesIsolatableBackend => true;

    /// <summary>Whether the web client is started too.</summary>
    protected virtual bool WithClient => false;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>The application's resources: their states and commands.</summary>
    public AppResources Resources => _resources ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>A client of the balancer, as users reach the cluster.</summary>
    public HttpClient Balancer => Client("balancer");

    /// <summary>A client of the balancer that presents the cluster secret, for its registry.</summary>
    public HttpClient Registry => Admin("balancer");

    /// <summary>The cluster secret the AppHost generated.</summary>
    public string ClusterSecret => _clusterSecret ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>A client of one resource that presents the cluster secret, for admin and registry endpoints.</summary>
    public HttpClient Admin(string resource) => CachedClient(resource, withSecret: true);

    /// <summary>A client of one resource's http endpoint, directly.</summary>
    public HttpClient Client(string resource) => CachedClient(resource, withSecret: false);

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        _dataDirectory = Directory.CreateTempSubdirectory("aspirekv-tests-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireKv_AppHost>(
            [
                $"Redis:Mode={RedisMode}",
                $"Redis:Topology={RedisTopology}",
                $"Redis:DataDirectory={_dataDirectory.FullName}",
                "AspireKv:FixedPorts=false",
                $"AspireKv:Client={WithClient}",
                "AspireKv:StandbyBackends=1",
            ],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        builder.Services.AddLogging(logging => logging
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            .AddFilter("AspireKv.AppHost.Resources", ResourceLogFiles.AddIfRequested(logging) ? LogLevel.Information : LogLevel.Warning)
            // The AppHost's own probes fail on purpose while a test has a backend down.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("System.Net.Http", LogLevel.Warning));

        // No dashboard runs in tests, so there is no OTLP endpoint. Left set, each service would wait for its
        // exporter's timeout on shutdown, longer than DCP waits for a stopped process to exit.
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", string.Empty);
        }

        if (ProxiesIsolatableBackend)
        {
            // backend-3 reaches Redis through a proxy of the test's, which a test can cut.
            // The endpoint's port is allocated when the app starts; the proxy reads it at each connection.
            var redisEndpoint = builder.Resources.OfType<IResourceWithEndpoints>().Single(r => r.Name == RedisServerResource).GetEndpoint("tcp");
            _redisProxy = new TcpFaultProxy(() => new Uri($"tcp://{redisEndpoint.Host}:{redisEndpoint.Port}"));
            var proxy = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"127.0.0.1:{_redisProxy.Port}");
            var redisPassword = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "redis-password");
            builder.CreateResourceBuilder<ProjectResource>(IsolatableBackend)
                .WithEnvironment($"ConnectionStrings__{ConnectionNames.Redis}", ReferenceExpression.Create($"{proxy},password={redisPassword},abortConnect=false"));
        }

        var clusterSecret = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "cluster-secret");

        _app = await builder.BuildAsync(timeout.Token);
        _resources = new AppResources(_app);
        await _app.StartAsync(timeout.Token);
        _clusterSecret = await clusterSecret.GetValueAsync(timeout.Token);
        foreach (var resource in BackendNames.Append("balancer").Concat(RedisResources))
        {
            await Resources.WaitHealthyAsync(resource, timeout.Token);
        }

        await WaitUntilBalancerRoutesToAllAsync(timeout.Token);
    }

    /// <summary>
    /// Puts the cluster back as tests expect it, whatever a previous (possibly failed) test left behind: Redis
    /// running and reachable from every backend, the three backends running, the standby stopped; then waits
    /// until the balancer routes to exactly the three backends.
    /// </summary>
    public async Task WaitUntilBalancerRoutesToAllAsync(CancellationToken cancellationToken)
    {
        _redisProxy?.Restore();
        foreach (var name in RedisResources.Concat(BackendNames))
        {
            // Not only stopped ones: a stop the orchestrator reports as failed can leave a resource in no running
            // state at all, and every later test would wait for it in vain.
            if (Resources.IsStopped(name) || !Resources.IsRunningOrStarting(name))
            {
                await Resources.ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, cancellationToken);
            }
        }

        if (Resources.IsRunning(StandbyBackend))
        {
            await Resources.ExecuteCommandAsync(StandbyBackend, KnownResourceCommands.StopCommand, cancellationToken);
        }

        await Eventually.HoldsAsync("the balancer to route to the three backends and nowhere else", TimeSpan.FromSeconds(90), async token =>
        {
            var backends = await Registry.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, token);
            return backends is not null
                && BackendNames.All(name => backends.Any(b => b.Name == name && b.ActiveHealth == "Healthy" && b.PassiveHealth != "Unhealthy"))
                && backends.Where(b => !BackendNames.Contains(b.Name)).All(b => b.ActiveHealth == "Unhealthy" || b.PassiveHealth == "Unhealthy");
        }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_redisProxy is not null)
        {
            await _redisProxy.DisposeAsync();
        }

        try
        {
            _dataDirectory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server that is still exiting may hold a file for a moment; the temp directory is cleaned by the OS.
        }

        GC.SuppressFinalize(this);
    }

    private HttpClient CachedClient(string resource, bool withSecret)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue((resource, withSecret), out var client))
            {
                client = App.CreateHttpClient(resource, "http");
                client.Timeout = TimeSpan.FromSeconds(30);
                if (withSecret)
                {
                    client.DefaultRequestHeaders.Authorization = new("Bearer", ClusterSecret);
                }

                _clients[(resource, withSecret)] = client;
            }

            return client;
        }
    }
}
