using AspireKv.Backend.Replication;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireKv.Backend.Synchronization;

/// <summary>
/// Readiness: a backend that has not finished its first load of the durable copy would serve a partial store, so it
/// reports unhealthy and the balancer sends it no traffic. One that reloads later reports degraded (still answered
/// 200): its memory stays whole, so its local reads go on (marked possibly stale), and what needs the reloaded data
/// (writes, strong reads) is refused with "try another backend" until it is done.
/// </summary>
internal sealed class ReplicationHealthCheck(ReplicationStatus status, Replica replica) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["appliedVersion"] = replica.AppliedVersion,
            ["headVersion"] = status.HeadVersion,
            ["redisConnected"] = status.RedisConnected,
        };
        var result = !status.Ready
            ? HealthCheckResult.Unhealthy("Loading the durable copy.", data: data)
            : status.Reloading
                ? HealthCheckResult.Degraded("Reloading the durable copy; local reads are answered from memory meanwhile.", data: data)
                : HealthCheckResult.Healthy("Caught up with the replication log.", data);
        return Task.FromResult(result);
    }
}
