using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AspireKv.Contracts;
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
    private DirectoryInfo? _dataDirectory;
    private DistributedApplication? _app;

    /// <summary>The backends the AppHost starts.</summary>
    public static IReadOnlyList<string> BackendNames { get; } = ["backend-1", "backend-2", "backend-3"];

    /// <summary>The value of the AppHost's <c>Redis:Mode</c> setting.</summary>
    protected abstract string RedisMode { get; }

    /// <summary>The resource that runs the Redis-compatible server.</summary>
    public abstract string RedisServerResource { get; }

    /// <summary>Whether the web client is started too.</summary>
    protected virtual bool WithClient => false;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>A client of the balancer, as users reach the cluster.</summary>
    public HttpClient Balancer => Client("balancer");

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

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in BackendNames.Append("balancer").Append(RedisServerResource))
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        await WaitUntilBalancerRoutesToAllAsync(timeout.Token);
    }

    /// <summary>
    /// Starts any backend a previous test left stopped (so one failure does not cascade into the next tests),
    /// then waits until the balancer considers every backend healthy and sends it traffic.
    /// </summary>
    public async Task WaitUntilBalancerRoutesToAllAsync(CancellationToken cancellationToken)
    {
        foreach (var name in BackendNames)
        {
            if (App.ResourceNotifications.TryGetCurrentState(name, out var current)
                && KnownResourceStates.TerminalStates.Contains(current.Snapshot.State?.Text))
            {
                await ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, cancellationToken);
            }
        }

        await Eventually.HoldsAsync("the balancer to route to all three backends", TimeSpan.FromSeconds(90), async token =>
        {
            var backends = await Balancer.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, token);
            return backends is not null
                && BackendNames.All(name => backends.Any(b => b.Name == name && b.ActiveHealth == "Healthy" && b.PassiveHealth != "Unhealthy"));
        }, cancellationToken);
    }

    /// <summary>Runs a resource command (start, stop, restart) and fails the test if it does not succeed.</summary>
    public async Task ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
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
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
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
