using System.Net;
using System.Text.Json;
using AspireKv.Chaos.Running;
using AspireKv.Testing;

namespace AspireKv.Chaos.Tests;

/// <summary>What the chaos clients rely on from the balancer when no backend can serve.</summary>
public sealed class ProcessClusterTests
{
    [Fact]
    public async Task Balancer_WithoutBackends_Answers503SayingNoBackendWasReached()
    {
        await using var cluster = new ProcessCluster(Repository.Root, Repository.Configuration);
        var balancer = await cluster.StartBalancerAsync();
        using var http = new HttpClient();

        using var response = await http.PutAsync(new Uri(balancer.Address, "/kv/process-cluster-no-backend"), new StringContent("v"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("No backend available", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(0, problem.RootElement.GetProperty("attempts").GetInt32());
    }
}
