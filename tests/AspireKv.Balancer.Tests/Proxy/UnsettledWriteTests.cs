using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireKv.Balancer.Tests.Proxy;

/// <summary>
/// A write whose first attempt timed out (the backend may have committed it) and whose retry reached a backend that
/// answered "nothing was written": the client must hear that the outcome is unknown, not that nothing was written.
/// The whole balancer in process, in front of two fake backends: the first in address order (the policy here is
/// YARP's FirstAlphabetical) commits and answers too late, the other is cut off from Redis and refuses.
/// </summary>
public sealed class UnsettledWriteTests
{
    private const string Secret = "test";

    [Fact]
    public async Task WriteTimedOutThenRefusedElsewhere_IsAnsweredAsOutcomeUnknown()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var backends = new[] { new FakeBackend("backend-a"), new FakeBackend("backend-b") };
        var apps = new List<WebApplication>();
        try
        {
            foreach (var backend in backends)
            {
                apps.Add(await StartAsync(backend, deadline.Token));
            }

            // The policy tries the lower address first: that one is the slow one.
            var ordered = backends.OrderBy(b => b.Address, StringComparer.Ordinal).ToArray();
            var (slow, refusing) = (ordered[0], ordered[1]);
            slow.Slow = true;

            await using var balancer = await StartBalancerAsync(deadline.Token);
            using var client = balancer.GetTestClient();
            foreach (var backend in backends)
            {
                using var register = new HttpRequestMessage(HttpMethod.Put, $"{KvRoutes.Registry}/{backend.Name}")
                {
                    Content = JsonContent.Create(new BackendRegistration(backend.Name, backend.Address)),
                };
                register.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
                using var registered = await client.SendAsync(register, deadline.Token);
                registered.EnsureSuccessStatusCode();
            }

            await WaitRoutedThroughBothAsync(client, slow, refusing, deadline.Token);

            using var write = new HttpRequestMessage(HttpMethod.Put, KvRoutes.Key("unsettled")) { Content = new ByteArrayContent("v"u8.ToArray()) };
            write.Headers.Add(KvHeaders.IdempotencyKey, "unsettled-1");
            using var response = await client.SendAsync(write, deadline.Token);

            Assert.Equal((1, 1), (slow.Puts, refusing.Puts));
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("Write outcome unknown", await response.Content.ReadAsStringAsync(deadline.Token), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    // The registry reaches the proxy asynchronously: wait until a read goes to the slow backend first (which refuses
    // reads, as a lagging backend does) and then on to the other, so that the proxy knows both, in that order.
    private static async Task WaitRoutedThroughBothAsync(HttpClient client, FakeBackend slow, FakeBackend refusing, CancellationToken cancellationToken)
    {
        while (true)
        {
            var seenBySlow = slow.Gets;
            using var probe = await client.GetAsync(KvRoutes.Key("probe"), cancellationToken);
            if (probe.IsSuccessStatusCode && probe.Headers.TryGetValues(KvHeaders.ServedBy, out var names) && names.Single() == refusing.Name && slow.Gets > seenBySlow)
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<WebApplication> StartBalancerAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(
        [
            "--Cluster:Secret", Secret,
            "--Balancer:LoadBalancingPolicy", "FirstAlphabetical",
            "--Balancer:RequestTimeout", "00:00:00.500",
        ]);
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        builder.AddBalancer();
        var balancer = builder.Build();
        balancer.MapDefaultEndpoints();
        balancer.MapBalancer();
        await balancer.StartAsync(cancellationToken);
        return balancer;
    }

    private static async Task<WebApplication> StartAsync(FakeBackend backend, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Response.Headers[KvHeaders.ServedBy] = backend.Name;
            return next(context);
        });
        app.MapGet(AspireKv.Contracts.HealthRoutes.Readiness, () => Results.Ok());
        app.MapGet("/kv/{key}", (HttpContext context) =>
        {
            backend.CountGet();
            return backend.Slow ? Refuse(context) : Results.Ok();
        });
        app.MapPut("/kv/{key}", async (HttpContext context) =>
        {
            backend.CountPut();
            if (!backend.Slow)
            {
                return Refuse(context);
            }

            // Committed, but the answer comes after the balancer's request timeout.
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            return Results.NoContent();
        });
        await app.StartAsync(cancellationToken);
        backend.Address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return app;
    }

    // What a backend cut off from Redis answers: nothing was written here, another backend may serve it.
    private static IResult Refuse(HttpContext context)
    {
        context.Response.Headers[KvHeaders.TryAnotherBackend] = "true";
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Writes are unavailable");
    }

    private sealed class FakeBackend(string name)
    {
        private int _gets;
        private int _puts;

        public string Name { get; } = name;

        public string Address { get; set; } = string.Empty;

        public bool Slow { get; set; }

        public int Gets => Volatile.Read(ref _gets);

        public int Puts => Volatile.Read(ref _puts);

        public void CountGet() => Interlocked.Increment(ref _gets);

        public void CountPut() => Interlocked.Increment(ref _puts);
    }
}
