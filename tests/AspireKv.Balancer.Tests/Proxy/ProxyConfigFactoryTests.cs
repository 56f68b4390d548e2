using AspireKv.Balancer.Health;
using AspireKv.Balancer.Proxy;
using AspireKv.Balancer.Registry;

namespace AspireKv.Balancer.Tests.Proxy;

public sealed class ProxyConfigFactoryTests
{
    private readonly BalancerOptions _options = new()
    {
        HealthCheckInterval = TimeSpan.FromMilliseconds(500),
        RequestTimeout = TimeSpan.FromSeconds(4),
        UnhealthyAfterFailedProbes = 3,
    };

    [Fact]
    public void Clusters_OneDestinationPerBackend_NamedInMetadata()
    {
        BackendEntry[] backends =
        [
            new("http://localhost:5001/", new Uri("http://localhost:5001/"), "backend-1", Discovered: true, null),
            new("http://localhost:5002/", new Uri("http://localhost:5002/"), null, Discovered: true, null),
        ];

        var cluster = Assert.Single(ProxyConfigFactory.Clusters(backends, _options));

        Assert.Equal(2, cluster.Destinations!.Count);
        Assert.Equal("backend-1", cluster.Destinations["http://localhost:5001/"].Metadata![ProxyConfigFactory.NameMetadata]);
        Assert.Null(cluster.Destinations["http://localhost:5002/"].Metadata);
    }

    [Fact]
    public void Clusters_HealthAndTimeouts_ComeFromOptions()
    {
        var cluster = Assert.Single(ProxyConfigFactory.Clusters([], _options));

        Assert.Equal("RoundRobin", cluster.LoadBalancingPolicy);
        Assert.Equal(TimeSpan.FromMilliseconds(500), cluster.HealthCheck!.Active!.Interval);
        Assert.Equal("/health", cluster.HealthCheck.Active.Path);
        Assert.Equal(FirstFailureHealthPolicy.PolicyName, cluster.HealthCheck.Passive!.Policy);
        Assert.Equal(TimeSpan.FromSeconds(4), cluster.HttpRequest!.ActivityTimeout);
        Assert.Equal("3", cluster.Metadata!["ConsecutiveFailuresHealthPolicy.Threshold"]);
    }

    [Fact]
    public void Routes_ForwardOnlyThePublicApi() =>
        Assert.Equal(["/kv/{**rest}", "/watch", "/openapi/{**rest}", "/scalar/{**rest}"], ProxyConfigFactory.Routes.Select(r => r.Match.Path));
}
