using System.Diagnostics.Metrics;
using AspireKv.Balancer.Proxy;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Diagnostics;

/// <summary>The balancer's metrics: traffic and health per backend, as the dashboard shows them.</summary>
internal sealed class BalancerMetrics
{
    public const string MeterName = TelemetryNames.Prefix + ".Balancer";

    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _noBackend;

    public BalancerMetrics(IMeterFactory meterFactory, IProxyStateLookup proxyState)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _forwarded = meter.CreateCounter<long>("aspirekv.balancer.requests", "{request}", "Requests answered by a backend.");
        _failed = meter.CreateCounter<long>("aspirekv.balancer.failures", "{request}", "Attempts that failed in transport at a backend.");
        _retried = meter.CreateCounter<long>("aspirekv.balancer.retries", "{request}", "Requests that were answered after being sent to another backend.");
        _noBackend = meter.CreateCounter<long>("aspirekv.balancer.no_backend", "{request}", "Requests refused because no backend was available.");
        meter.CreateObservableGauge("aspirekv.balancer.backend.healthy", () => Observe(proxyState, d => d.IsAvailable() ? 1 : 0), "{backend}", "1 while the backend gets traffic, 0 while it is out.");
        meter.CreateObservableGauge("aspirekv.balancer.backend.in_flight", () => Observe(proxyState, d => d.ConcurrentRequestCount), "{request}", "Requests being forwarded to the backend now.");
    }

    public void Forwarded(string backend, int attempts)
    {
        _forwarded.Add(1, new KeyValuePair<string, object?>("backend", backend));
        if (attempts > 1)
        {
            _retried.Add(1, new KeyValuePair<string, object?>("backend", backend));
        }
    }

    public void Failed(string backend, string error) =>
        _failed.Add(1, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("error", error));

    public void NoBackend() => _noBackend.Add(1);

    private static IEnumerable<Measurement<int>> Observe(IProxyStateLookup proxyState, Func<DestinationState, int> value)
    {
        if (!proxyState.TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster))
        {
            yield break;
        }

        foreach (var destination in cluster.Destinations.Values)
        {
            yield return new Measurement<int>(value(destination), new KeyValuePair<string, object?>("backend", destination.BackendName()));
        }
    }
}
