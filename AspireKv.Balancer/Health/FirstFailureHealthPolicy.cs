using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Health;

/// <summary>
/// Passive health: a backend is taken out on its first transport failure (refused, reset, timed out),
/// not after a failure rate over a window as YARP's built-in policy does, because one refused connection
/// already says the process is gone. It stays out for the cluster's reactivation period; then the active
/// probes decide again.
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
        if (!IsDestinationFailure(context.GetForwarderErrorFeature()?.Error))
        {
            return;
        }

        var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? DefaultReactivationPeriod;
        healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
    }

    /// <summary>True for errors that say the backend failed, not the client (a client that hung up says nothing about the backend).</summary>
    public static bool IsDestinationFailure(ForwarderError? error) => error is
        ForwarderError.Request or
        ForwarderError.RequestTimedOut or
        ForwarderError.RequestBodyDestination or
        ForwarderError.ResponseHeaders or
        ForwarderError.ResponseBodyDestination;
}
