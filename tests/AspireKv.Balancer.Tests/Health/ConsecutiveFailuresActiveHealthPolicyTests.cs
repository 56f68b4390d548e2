using AspireKv.Balancer.Health;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Tests.Health;

public sealed class ConsecutiveFailuresActiveHealthPolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ProbeHistory _history = new();
    private readonly RecordingUpdater _updater = new();
    private readonly ClusterState _cluster = new("backends", new ClusterModel(
        new ClusterConfig { ClusterId = "backends", Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "2" } },
        new HttpMessageInvoker(new SocketsHttpHandler())));

    private readonly DestinationState _destination = new("http://localhost:5001/");

    private DestinationHealth Probe(bool succeeded)
    {
        var policy = _policy ??= new ConsecutiveFailuresActiveHealthPolicy(_updater, _history, _time);
        using var response = succeeded ? new HttpResponseMessage(System.Net.HttpStatusCode.OK) : null;
        policy.ProbingCompleted(_cluster, [new DestinationProbingResult(_destination, response, succeeded ? null : new HttpRequestException("refused"))]);
        var health = _updater.Last!.Value;
        _destination.Health.Active = health;
        return health;
    }

    private ConsecutiveFailuresActiveHealthPolicy? _policy;

    [Fact]
    public void ProbingCompleted_FirstSuccess_IsHealthy() => Assert.Equal(DestinationHealth.Healthy, Probe(succeeded: true));

    [Fact]
    public void ProbingCompleted_FailuresBelowThreshold_KeepTheCurrentHealth()
    {
        Probe(succeeded: true);

        Assert.Equal(DestinationHealth.Healthy, Probe(succeeded: false));
    }

    [Fact]
    public void ProbingCompleted_ThresholdReached_IsUnhealthyUntilTheNextSuccess()
    {
        Probe(succeeded: true);
        Probe(succeeded: false);

        Assert.Equal(DestinationHealth.Unhealthy, Probe(succeeded: false));
        Assert.Equal(DestinationHealth.Healthy, Probe(succeeded: true));
    }

    [Fact]
    public void ProbingCompleted_RecordsWhenAndHowTheLastProbeWent()
    {
        Probe(succeeded: true);
        _time.Advance(TimeSpan.FromSeconds(1));
        Probe(succeeded: false);

        var last = _history.Last(_destination.DestinationId)!;
        Assert.False(last.Succeeded);
        Assert.Equal(_time.GetUtcNow(), last.At);
    }

    private sealed class RecordingUpdater : IDestinationHealthUpdater
    {
        public DestinationHealth? Last { get; private set; }

        public void SetActive(ClusterState cluster, IEnumerable<NewActiveDestinationHealth> newHealthStates) =>
            Last = newHealthStates.Single().NewActiveHealth;

        public void SetPassive(ClusterState cluster, DestinationState destination, DestinationHealth newHealth, TimeSpan reactivationPeriod)
        {
        }
    }
}
