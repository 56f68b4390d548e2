using AspireKv.Balancer.Health;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Tests.Health;

public sealed class FirstFailureHealthPolicyTests
{
    private static readonly TimeSpan Reactivation = TimeSpan.FromSeconds(7);
    private readonly RecordingHealthUpdater _updater = new();
    private readonly ClusterState _cluster = new("backends", new ClusterModel(
        new ClusterConfig
        {
            ClusterId = "backends",
            HealthCheck = new HealthCheckConfig { Passive = new PassiveHealthCheckConfig { Enabled = true, ReactivationPeriod = Reactivation } },
        },
        new HttpMessageInvoker(new SocketsHttpHandler())));

    private readonly DestinationState _destination = new("http://localhost:5001/");

    private static DefaultHttpContext ContextWith(ForwarderError? error, string method = "GET")
    {
        var context = new DefaultHttpContext { Request = { Method = method } };
        if (error is { } value)
        {
            context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(value));
        }

        return context;
    }

    [Theory]
    [InlineData(ForwarderError.Request)]
    [InlineData(ForwarderError.RequestTimedOut)]
    [InlineData(ForwarderError.ResponseHeaders)]
    public void RequestProxied_FirstTransportFailure_MarksUnhealthyForReactivationPeriod(ForwarderError error)
    {
        new FirstFailureHealthPolicy(_updater).RequestProxied(ContextWith(error), _cluster, _destination);

        var update = Assert.Single(_updater.Passive);
        Assert.Equal(DestinationHealth.Unhealthy, update.Health);
        Assert.Equal(Reactivation, update.Period);
    }

    [Theory]
    [InlineData(ForwarderError.Request)]
    [InlineData(ForwarderError.ResponseHeaders)]
    public void RequestProxied_WriteTransportFailure_MarksUnhealthy(ForwarderError error)
    {
        new FirstFailureHealthPolicy(_updater).RequestProxied(ContextWith(error, "PUT"), _cluster, _destination);

        Assert.Equal(DestinationHealth.Unhealthy, Assert.Single(_updater.Passive).Health);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public void RequestProxied_WriteTimedOut_ChangesNothing(string method)
    {
        // Waiting on a hung Redis primary, as every backend's writes do: not the backend's fault.
        new FirstFailureHealthPolicy(_updater).RequestProxied(ContextWith(ForwarderError.RequestTimedOut, method), _cluster, _destination);

        Assert.Empty(_updater.Passive);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    public void RequestProxied_SuccessOrClientFault_ChangesNothing(ForwarderError? error)
    {
        new FirstFailureHealthPolicy(_updater).RequestProxied(ContextWith(error), _cluster, _destination);

        Assert.Empty(_updater.Passive);
    }

    private sealed class ErrorFeature(ForwarderError error) : IForwarderErrorFeature
    {
        public ForwarderError Error { get; } = error;

        public Exception? Exception => null;
    }

    private sealed class RecordingHealthUpdater : IDestinationHealthUpdater
    {
        public List<(DestinationState Destination, DestinationHealth Health, TimeSpan Period)> Passive { get; } = [];

        public void SetActive(ClusterState cluster, IEnumerable<NewActiveDestinationHealth> newHealthStates)
        {
        }

        public void SetPassive(ClusterState cluster, DestinationState destination, DestinationHealth newHealth, TimeSpan reactivationPeriod) =>
            Passive.Add((destination, newHealth, reactivationPeriod));
    }
}
