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
    private readonly Dictionary<string, HttpClient> _clients = [];
    private readonly Dictionary<string, HttpClient> _adminClients = [];
    private string? _clusterSecret;
    private DirectoryInfo? _dataDirectory;
    private DistributedApplication? _app;
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

    /// <summary>The hash that holds the durable copy, under the backends' default key prefix.</summary>
    public const string DurableCopyKey = "{aspirekv}:data";

    /// <summary>A StackExchange.Redis connection string of the cluster's Redis server, as the backends get it.</summary>
    public async Task<string> RedisConnectionStringAsync(CancellationToken cancellationToken) =>
        await App.GetConnectionStringAsync("redis", cancellationToken) ?? throw new InvalidOperationException("The AppHost gives no Redis connection string.");

    /// <summary>The value of the AppHost's <c>Redis:Mode</c> setting.</summary>
    protected abstract string RedisMode { get; }

    /// <summary>The resource that runs the Redis-compatible server.</summary>
    public abstract string RedisServerResource { get; }

    /// <summary>Whether the web client is started too.</summary>
    protected virtual bool WithClient => false;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>A client of the balancer, as users reach the cluster.</summary>
    public HttpClient Balancer => Client("balancer");

    /// <summary>A client of the balancer that presents the cluster secret, for its registry.</summary>
    public HttpClient Registry => Admin("balancer");

    /// <summary>The cluster secret the AppHost generated.</summary>
    public string ClusterSecret => _clusterSecret ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>A client of one resource that presents the cluster secret, for admin and registry endpoints.</summary>
    public HttpClient Admin(string resource)
    {
        lock (_adminClients)
        {
            if (!_adminClients.TryGetValue(resource, out var client))
            {
                client = App.CreateHttpClient(resource, "http");
                client.Timeout = TimeSpan.FromSeconds(30);
                client.DefaultRequestHeaders.Authorization = new("Bearer", ClusterSecret);
                _adminClients[resource] = client;
            }

            return client;
        }
    }

    /// <summary>A client of one resource's http endpoint, directly.</summary>
    public HttpClient Client(string resource)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(resource, out var client))
            {
                client = App.CreateHttpClient(resource, "http");
                client.Timeout = TimeSpan.FromSeconds(30);
                _clients[resource] = client;
            }

            return client;
        }
    }

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        _dataDirectory = Directory.CreateTempSubdirectory("aspirekv-tests-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireKv_AppHost>(
            [
                $"Redis:Mode={RedisMode}",
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
            .AddFilter("AspireKv.AppHost.Resources", LogLevel.Warning)
            // The AppHost's own probes fail on purpose while a test has a backend down.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("System.Net.Http", LogLevel.Warning));

        // No dashboard runs in tests, so there is no OTLP endpoint. Left set, each service would wait for its
        // exporter's timeout on shutdown, longer than DCP waits for a stopped process to exit.
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", string.Empty);
        }

        // backend-3 reaches Redis through a proxy of the test's, which a test can cut.
        // The endpoint's port is allocated when the app starts; the proxy reads it at each connection.
        var redisEndpoint = builder.Resources.OfType<IResourceWithEndpoints>().Single(r => r.Name == RedisServerResource).GetEndpoint("tcp");
        _redisProxy = new TcpFaultProxy(() => new Uri($"tcp://{redisEndpoint.Host}:{redisEndpoint.Port}"));
        var proxy = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"127.0.0.1:{_redisProxy.Port}");
        var redisPassword = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "redis-password");
        builder.CreateResourceBuilder<ProjectResource>(IsolatableBackend)
            .WithEnvironment("ConnectionStrings__redis", ReferenceExpression.Create($"{proxy},password={redisPassword},abortConnect=false"));

        var clusterSecret = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "cluster-secret");

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        _clusterSecret = await clusterSecret.GetValueAsync(timeout.Token);
        foreach (var resource in BackendNames.Append("balancer").Append(RedisServerResource))
        {
            await WaitHealthyAsync(resource, timeout.Token);
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
        RedisProxy.Restore();
        foreach (var name in BackendNames.Prepend(RedisServerResource))
        {
            // Not only stopped ones: a stop that DCP reported as failed can leave a resource in no running state
            // (seen once on a fresh CI machine), and every later test would wait for it in vain.
            if (IsStopped(name) || !IsRunningOrStarting(name))
            {
                await ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, cancellationToken);
            }
        }

        if (!IsStopped(StandbyBackend) && App.ResourceNotifications.TryGetCurrentState(StandbyBackend, out var standby)
            && standby.Snapshot.State?.Text == KnownResourceStates.Running)
        {
            await ExecuteCommandAsync(StandbyBackend, KnownResourceCommands.StopCommand, cancellationToken);
        }

        await Eventually.HoldsAsync("the balancer to route to the three backends and nowhere else", TimeSpan.FromSeconds(90), async token =>
        {
            var backends = await Registry.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, token);
            return backends is not null
                && BackendNames.All(name => backends.Any(b => b.Name == name && b.ActiveHealth == "Healthy" && b.PassiveHealth != "Unhealthy"))
                && backends.Where(b => !BackendNames.Contains(b.Name)).All(b => b.ActiveHealth == "Unhealthy" || b.PassiveHealth == "Unhealthy");
        }, cancellationToken);
    }

    private bool IsRunningOrStarting(string resource) =>
        StateOf(resource) is { } state
        && (state == KnownResourceStates.Running || state == KnownResourceStates.Starting || state == KnownResourceStates.Waiting);

    /// <summary>
    /// Waits until a resource is healthy. Two things DCP does now and then are not failures of ours: right after a
    /// start or restart command the wait can see a passing state and give up ("failed to start" with the new
    /// instance not yet reporting any state), and a launch can fail with no output from the process at all
    /// (FailedToStart; Aspire's own tests see it too, aspire#15777). Three of six fresh-clone CI runs lost a test
    /// class to one of them. So a first failure is followed by one more start if DCP says FailedToStart, and by a
    /// wait that rides out passing states until the deadline; each is said on the test output. A resource that
    /// does not become healthy by the deadline fails with its state and last log lines.
    /// </summary>
    public async Task WaitHealthyAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
            return;
        }
        catch (DistributedApplicationException)
        {
            Console.Error.WriteLine($"Waiting for {resource} once more after DCP gave up on it. {await DescribeAsync(resource)}");
            if (StateOf(resource) == KnownResourceStates.FailedToStart)
            {
                await ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
            }
        }
        catch (OperationCanceledException exception)
        {
            throw new InvalidOperationException($"{resource} did not become healthy: {exception.Message}{Environment.NewLine}{await DescribeAsync(resource)}", exception);
        }

        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);
        }
        catch (OperationCanceledException exception)
        {
            throw new InvalidOperationException($"{resource} did not become healthy: {exception.Message}{Environment.NewLine}{await DescribeAsync(resource)}", exception);
        }
    }

    private string? StateOf(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.State?.Text : null;

    /// <summary>A resource's state, exit code and last log lines, for the message of a failed start.</summary>
    private async Task<string> DescribeAsync(string resource)
    {
        if (!App.ResourceNotifications.TryGetCurrentState(resource, out var current))
        {
            return $"{resource}: no state reported.";
        }

        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var logs = App.Services.GetRequiredService<ResourceLoggerService>();
            await foreach (var batch in logs.GetAllAsync(current.ResourceId).WithCancellation(deadline.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
            lines.Add("(log backlog not complete after 5 s)");
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            lines.Add($"(logs not readable: {exception.Message})"); // never hide the failure being described
        }

        return $"{resource} ({current.ResourceId}): state {current.Snapshot.State?.Text}, exit code {current.Snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}; "
            + $"last log lines:{Environment.NewLine}{string.Join(Environment.NewLine, lines.TakeLast(40))}";
    }

    private bool IsStopped(string resource) => StateOf(resource) is { } state && KnownResourceStates.TerminalStates.Contains(state);

    /// <summary>Runs a resource command (start, stop, restart) and fails the test if it does not succeed.</summary>
    public async Task ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
        // A stop that DCP reports as failed ("timed out waiting for process to stop") was a backend held up by
        // the web page's watch stream; streams now end on shutdown, so a failed command is a failed test.
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        Assert.True(result.Success, $"'{command}' on {resource} failed: {result.Message}");
    }

    /// <summary>Waits until a resource has stopped running.</summary>
    public Task WaitUntilStoppedAsync(string resource, CancellationToken cancellationToken) =>
        App.ResourceNotifications.WaitForResourceAsync(
            resource,
            resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text),
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values.Concat(_adminClients.Values))
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
}

/// <summary>The test classes that share the cluster on Garnet.</summary>
[CollectionDefinition(Name)]
public sealed class GarnetCluster : ICollectionFixture<GarnetAppFixture>
{
    public const string Name = "Cluster on Garnet";
}

/// <summary>The test classes that share the cluster on redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisServerCluster : ICollectionFixture<RedisServerAppFixture>
{
    public const string Name = "Cluster on redis-server";
}

/// <summary>The cluster on the embedded Garnet server, as on a machine without Docker.</summary>
public sealed class GarnetAppFixture : AspireKvAppFixture
{
    protected override string RedisMode => "garnet";

    public override string RedisServerResource => "garnet";

    protected override bool WithClient => true;
}

/// <summary>The cluster on Debian's redis-server, started by the AppHost as an executable.</summary>
public sealed class RedisServerAppFixture : AspireKvAppFixture
{
    protected override string RedisMode => "redis-server";

    public override string RedisServerResource => "redis-server";
}
