using System.Runtime.CompilerServices;
using AspireKv.Balancer.Registry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.LoadBalancing;

/// <summary>
/// Round robin over the backends whose replication lag (from their renewals) is within
/// <see cref="BalancerOptions.MaxReplicationLag"/>, so that local reads do not land on a backend that is far
/// behind. A backend that has not reported yet counts as caught up (its readiness already kept it out while it
/// loaded). If every backend is lagging, the least lagging one is chosen rather than none.
/// </summary>
internal sealed class LagAwareLoadBalancingPolicy(BackendRegistry registry, IOptions<BalancerOptions> options) : ILoadBalancingPolicy
{
    public const string PolicyName = "LagAware";

    private readonly ConditionalWeakTable<ClusterState, StrongBox<int>> _counters = [];

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        ArgumentNullException.ThrowIfNull(availableDestinations);
        if (availableDestinations.Count == 0)
        {
            return null;
        }

        var bound = options.Value.MaxReplicationLag;
        var lags = availableDestinations.Select(d => (Destination: d, Lag: registry.ReplicationLag(d.DestinationId))).ToList();
        var eligible = lags.Where(d => d.Lag is null || d.Lag <= bound).Select(d => d.Destination).ToList();
        if (eligible.Count == 0)
        {
            return lags.MinBy(d => d.Lag)!.Destination;
        }

        var counter = _counters.GetOrCreateValue(cluster);
        // Mask the sign bit so the counter keeps cycling after it overflows.
        var next = (Interlocked.Increment(ref counter.Value) - 1) & int.MaxValue;
        return eligible[next % eligible.Count];
    }
}
