using System.Net;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace AspireKv.Balancer.Tests;

/// <summary>The per-client rate limit of a whole in-process balancer, at its edge and one past it.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task RequestsUpToTheLimit_PassToTheProxy_AndTheNextIs429WithRetryAfter()
    {
        // No top-up during the test, however slow the machine: the sixth request finds the allowance spent.
        var builder = WebApplication.CreateBuilder(["--Cluster:Secret", "test", "--Balancer:RateLimitPerClient", "5", "--Balancer:RateLimitReplenishmentPeriod", "01:00:00"]);
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        builder.AddBalancer();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapBalancer();
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var client = app.GetTestClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var allowed = await client.GetAsync(KvRoutes.Key("k"), TestContext.Current.CancellationToken);
            statuses.Add(allowed.StatusCode);
        }

        using var refused = await client.GetAsync(KvRoutes.Key("k"), TestContext.Current.CancellationToken);
        using var health = await client.GetAsync(AspireKv.Contracts.HealthRoutes.Liveness, TestContext.Current.CancellationToken);

        // No backend is registered, so the allowed requests reach the proxy and find nobody: 503, not 429.
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
