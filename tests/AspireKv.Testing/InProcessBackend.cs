using System.Net.Http.Headers;
using AspireKv.Backend;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireKv.Testing;

/// <summary>
/// A whole backend (the real HTTP pipeline, store and replication code) in the test process, on ASP.NET Core's
/// test server, with the in-memory replication log and status channel in place of Redis.
/// </summary>
internal sealed class InProcessBackend : IAsyncDisposable
{
    public const string Secret = "in-process-secret";

    private readonly WebApplication _app;

    private InProcessBackend(WebApplication app, InMemoryReplicationLog log)
    {
        _app = app;
        Log = log;
        Client = app.GetTestClient();
        Admin = app.GetTestClient();
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
    }

    public InMemoryReplicationLog Log { get; }

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    /// <param name="maxValueBytes">The largest value the backend takes.</param>
    /// <param name="redisClock">The clock the in-memory log stands in for Redis's <c>TIME</c> with; a test moves it to expire keys.</param>
    public static async Task<InProcessBackend> StartAsync(int maxValueBytes = AspireKv.Contracts.KvLimits.DefaultMaxValueBytes, TimeProvider? redisClock = null)
    {
        var log = new InMemoryReplicationLog(clock: redisClock);
        var builder = WebApplication.CreateBuilder(
        [
            "--Node:Name", "backend-in-process",
            "--Registration:Enabled", "false",
            "--Cluster:Secret", Secret,
            "--Replication:SigningKey", "in-process-key",
            "--Replication:ReadWaitTimeout", "00:00:00.020",
            "--KeyValue:MaxValueBytes", maxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        builder.AddBackendServices();
        builder.Services.AddReplicationPorts(_ => log, _ => new InMemoryPeerChannel());

        var app = builder.Build();
        app.UseKeyValueBackend();
        app.MapKeyValueBackend();
        await app.StartAsync();

        var backend = new InProcessBackend(app, log);
        await backend.WaitUntilReadyAsync();
        return backend;
    }

    /// <summary>
    /// Signals that the host is stopping (<see cref="IHostApplicationLifetime.ApplicationStopping"/>) without stopping
    /// it: the moment between a shutdown signal and the server closing, when requests are still served.
    /// </summary>
    public void SignalStopping() => _app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

    /// <summary>Stops the host as a shutdown signal would; disposing afterwards is still needed.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var health = await Client.GetAsync(AspireKv.Contracts.HealthRoutes.Readiness, deadline.Token);
            if (health.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(20, deadline.Token);
        }
    }
}
