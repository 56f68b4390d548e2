using AspireKv.Balancer.Proxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Health;

/// <summary>
/// Passive health: a backend is taken out on its first transport failure (refused, reset, a read timed out),
/// not after a failure rate over a window as YARP's built-in policy does, because one refused connection
/// already says the process is gone. It stays out for the cluster's reactivation period; then the active
/// probes decide again. A write that timed out says nothing about the backend: it waits on Redis, and while the
/// Redis primary hangs every backend's writes wait alike; taking each backend out for that left no backend for
/// the reads they could all still serve. A read waits on nothing for longer than the balancer does, so its
/// timeout does say the backend is stuck.
/// </summary>
internal sealed class FirstFailureHealthPolicy(IDestinationHealthUpdater healthUpdater) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "FirstFailure";

    private static readonly TimeSpan DefaultReactivationPeriod = TimeSpan.FromSeconds(3);

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(destination);
        if (!IsDestinationFailure(context.GetForwarderErrorFeature()?.Error, context.Request.Method))
        {
            return;
        }

        var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? DefaultReactivationPeriod;
        healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
    }

    /// <summary>True for errors that say the backend failed, not the client (a client that hung up says nothing about the backend) nor Redis.</summary>
    public static bool IsDestinationFailure(ForwarderError? error, string method) => error switch
    {
        ForwarderError.RequestTimedOut => RetryDecision.IsRead(method),
        ForwarderError.Request or
        ForwarderError.RequestBodyDestination or
        ForwarderError.ResponseHeaders or
        ForwarderError.ResponseBodyDestination => true,
        _ => false,
    };
}
