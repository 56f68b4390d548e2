using AspireKv.Backend.Replication;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireKv.Backend.Synchronization;

/// <summary>
/// Readiness: a backend that has not finished loading the durable copy, or is reloading it, would serve
/// old data, so it reports unhealthy and the balancer sends it no traffic.
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
        var result = status.Ready
            ? HealthCheckResult.Healthy("Caught up with the replication log.", data)
            : HealthCheckResult.Unhealthy("Catching up with the replication log.", data: data);
        return Task.FromResult(result);
    }
}
