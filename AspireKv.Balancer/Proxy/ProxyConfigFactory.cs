using System.Globalization;
using AspireKv.Balancer.Health;
using AspireKv.Balancer.Registry;
using AspireKv.Contracts;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace AspireKv.Balancer.Proxy;

/// <summary>
/// Builds the YARP configuration from the registry: one route for the public API and one cluster whose
/// destinations are the registered and discovered backends. Pure, so its output is unit-tested.
/// </summary>
internal static class ProxyConfigFactory
{
    public const string RouteId = "kv";
    public const string ClusterId = "backends";

    /// <summary>The destination metadata key that holds the backend's name.</summary>
    public const string NameMetadata = "name";

    public const string WatchRouteId = "watch";

    /// <summary>
    /// The public API only: keys, watches, and its description (OpenAPI document and reference page). Admin and
    /// internal paths of the backends are not forwarded.
    /// </summary>
    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        new RouteConfig
        {
            RouteId = RouteId,
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = KvRoutes.KeyValuePrefix + "/{**rest}" },
        },
        new RouteConfig
        {
            RouteId = WatchRouteId,
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = KvRoutes.Watch },
        },
        new RouteConfig
        {
            RouteId = "openapi",
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = KvRoutes.OpenApiPrefix + "/{**rest}" },
        },
        new RouteConfig
        {
            RouteId = "scalar",
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = KvRoutes.ApiReferencePrefix + "/{**rest}" },
        },
    ];

    public static IReadOnlyList<ClusterConfig> Clusters(IEnumerable<BackendEntry> backends, BalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(options);
        var destinations = backends.ToDictionary(
            backend => backend.Id,
            backend => new DestinationConfig
            {
                Address = backend.Address.ToString(),
                Metadata = backend.Name is null ? null : new Dictionary<string, string> { [NameMetadata] = backend.Name },
            },
            StringComparer.Ordinal);

        return
        [
            new ClusterConfig
            {
                ClusterId = ClusterId,
                LoadBalancingPolicy = options.LoadBalancingPolicy,
                Destinations = destinations,
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.RequestTimeout },
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = options.HealthCheckInterval,
                        Timeout = options.HealthCheckTimeout,
                        Policy = ConsecutiveFailuresActiveHealthPolicy.PolicyName,
                        Path = HealthRoutes.Readiness,
                    },
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = FirstFailureHealthPolicy.PolicyName,
                        ReactivationPeriod = options.PassiveReactivationPeriod,
                    },
                },
                Metadata = new Dictionary<string, string>
                {
                    [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] =
                        options.UnhealthyAfterFailedProbes.ToString(CultureInfo.InvariantCulture),
                },
            },
        ];
    }
}
