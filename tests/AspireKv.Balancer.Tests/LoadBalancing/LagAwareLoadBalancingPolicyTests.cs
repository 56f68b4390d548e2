using AspireKv.Balancer.LoadBalancing;
using AspireKv.Balancer.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Tests.LoadBalancing;

public sealed class LagAwareLoadBalancingPolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly BackendRegistry _registry;
    private readonly LagAwareLoadBalancingPolicy _policy;
    private readonly ClusterState _cluster = new("backends");

    public LagAwareLoadBalancingPolicyTests()
    {
        var options = Options.Create(new BalancerOptions { MaxReplicationLag = 10, RegistrationTtl = TimeSpan.FromSeconds(6) });
        _registry = new BackendRegistry(_time, options);
        _policy = new LagAwareLoadBalancingPolicy(_registry, options);
    }

    private DestinationState Backend(int port, long applied, long head)
    {
        var address = new Uri($"http://localhost:{port}/");
        _registry.Register($"backend-{port}", address, applied, head);
        return new DestinationState(address.ToString());
    }

    private List<string> Picks(IReadOnlyList<DestinationState> available, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => _policy.PickDestination(new DefaultHttpContext(), _cluster, available)!.DestinationId)];

    [Fact]
    public void PickDestination_BackendTooFarBehind_GetsNoTraffic()
    {
        DestinationState[] backends = [Backend(5001, 1000, 1000), Backend(5002, 950, 950), Backend(5003, 995, 1000)];

        var picks = Picks(backends, 6);

        Assert.DoesNotContain(backends[1].DestinationId, picks);
        Assert.Equal(3, picks.Count(p => p == backends[0].DestinationId));
        Assert.Equal(3, picks.Count(p => p == backends[2].DestinationId));
    }

    [Fact]
    public void PickDestination_AllCaughtUp_IsRoundRobin()
    {
        DestinationState[] backends = [Backend(5001, 10, 10), Backend(5002, 10, 10), Backend(5003, 9, 10)];

        Assert.Equal([.. backends.Select(b => b.DestinationId), .. backends.Select(b => b.DestinationId)], Picks(backends, 6));
    }

    [Fact]
    public void PickDestination_EveryBackendLagging_PicksTheLeastLagging()
    {
        var ahead = Backend(5009, 500, 500);
        DestinationState[] lagging = [Backend(5001, 100, 100), Backend(5002, 300, 300)];

        Assert.Equal(lagging[1].DestinationId, _policy.PickDestination(new DefaultHttpContext(), _cluster, lagging)!.DestinationId);
        Assert.NotNull(ahead);
    }

    [Fact]
    public void PickDestination_StaleReports_CountAsUnknownAndEligible()
    {
        DestinationState[] backends = [Backend(5001, 1000, 1000), Backend(5002, 1, 1)];
        _time.Advance(TimeSpan.FromSeconds(7));

        Assert.Contains(backends[1].DestinationId, Picks(backends, 4));
    }

    [Fact]
    public void PickDestination_NoneAvailable_IsNull() =>
        Assert.Null(_policy.PickDestination(new DefaultHttpContext(), _cluster, []));
}
