using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AspireKv.AppHost;

/// <summary>
/// A Sentinel is healthy once it answers and names a primary: only then can a backend that asks it find Redis. A
/// Sentinel speaks a command set of its own, so the Redis health check of the servers cannot ask it.
/// </summary>
internal sealed class SentinelHealthCheck(int port, string password, string serviceName) : IHealthCheck
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { { "127.0.0.1", port } },
        Password = password,
        CommandMap = CommandMap.Sentinel,
        AbortOnConnectFail = false,
        ConnectTimeout = 2000,
    }));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await _connection.Value.ConfigureAwait(false);
            var sentinel = connection.GetServer(connection.GetEndPoints()[0]);
            var primary = await sentinel.SentinelGetMasterAddressByNameAsync(serviceName).ConfigureAwait(false);
            return primary is null
                ? HealthCheckResult.Unhealthy($"The Sentinel on port {port.ToString(CultureInfo.InvariantCulture)} knows no primary yet.")
                : HealthCheckResult.Healthy($"Primary: {primary}.");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(exception.Message, exception);
        }
    }
}
