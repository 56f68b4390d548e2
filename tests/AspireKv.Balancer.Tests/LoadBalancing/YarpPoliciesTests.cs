using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Utilities;

namespace AspireKv.Balancer.Tests.LoadBalancing;

/// <summary>
/// The YARP policies the balancer can be configured with, through their public interface, with a random source
/// the test controls.
/// </summary>
public sealed class YarpPoliciesTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly ScriptedRandom _random = new();
    private readonly ClusterState _cluster = new("backends");
    private readonly DestinationState[] _destinations = [new("b1"), new("b2"), new("b3")];

    public YarpPoliciesTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReverseProxy();
        services.AddSingleton<IRandomFactory>(_random);
        _services = services.BuildServiceProvider();
    }

    private ILoadBalancingPolicy Policy(string name) =>
        _services.GetServices<ILoadBalancingPolicy>().Single(p => p.Name == name);

    private DestinationState? Pick(string policy) => Policy(policy).PickDestination(new DefaultHttpContext(), _cluster, _destinations);

    [Fact]
    public void RoundRobin_ConsecutivePicks_CycleThroughEveryBackend()
    {
        var picks = Enumerable.Range(0, 6).Select(_ => Pick(LoadBalancingPolicies.RoundRobin)!.DestinationId).ToList();

        Assert.Equal(["b1", "b2", "b3", "b1", "b2", "b3"], picks);
    }

    [Fact]
    public void LeastRequests_PicksTheBackendWithFewestInFlight()
    {
        _destinations[0].ConcurrentRequestCount = 5;
        _destinations[1].ConcurrentRequestCount = 1;
        _destinations[2].ConcurrentRequestCount = 3;

        Assert.Equal("b2", Pick(LoadBalancingPolicies.LeastRequests)!.DestinationId);
    }

    [Fact]
    public void PowerOfTwoChoices_OfTheTwoDrawn_PicksTheLessBusy()
    {
        _destinations[0].ConcurrentRequestCount = 9;
        _destinations[1].ConcurrentRequestCount = 0;
        _destinations[2].ConcurrentRequestCount = 4;
        _random.Draws = [0, 2]; // draws b1, then b3

        Assert.Equal("b3", Pick(LoadBalancingPolicies.PowerOfTwoChoices)!.DestinationId);
    }

    [Fact]
    public void Random_PicksWhatTheRandomSourceSays()
    {
        _random.Draws = [2];

        Assert.Equal("b3", Pick(LoadBalancingPolicies.Random)!.DestinationId);
    }

    public void Dispose() => _services.Dispose();

    private sealed class ScriptedRandom : Random, IRandomFactory
    {
        private int _position;

        public int[] Draws { get; set; } = [0];

        public Random CreateRandomInstance() => this;

        public override int Next(int maxValue) => Draws[_position++ % Draws.Length] % maxValue;
    }
}
