using System.ComponentModel.DataAnnotations;

namespace AspireKv.Balancer;

/// <summary>How the balancer routes and watches backends (configuration section <c>Balancer</c>).</summary>
internal sealed class BalancerOptions
{
    public const string SectionName = "Balancer";

    /// <summary>
    /// The load-balancing policy: RoundRobin (the default, as in the original exercise), LeastRequests,
    /// PowerOfTwoChoices, Random (YARP's), or LagAware (ours: avoids backends whose replication lag exceeds
    /// <see cref="MaxReplicationLag"/>). YARP refuses to start with a name no policy has.
    /// </summary>
    [Required]
    public string LoadBalancingPolicy { get; set; } = Yarp.ReverseProxy.LoadBalancing.LoadBalancingPolicies.RoundRobin;

    /// <summary>
    /// How many requests per second one client (by IP address) may send through the balancer; above it, 429 with
    /// Retry-After. Bursts up to one second's worth are allowed. 0 turns the limit off (benchmarks do).
    /// </summary>
    [Range(0, 10_000_000)]
    public int RateLimitPerClient { get; set; } = 20_000;

    /// <summary>
    /// How often a client's allowance is topped up (by its share of <see cref="RateLimitPerClient"/>): short, so that
    /// the limit is smooth. Tests that count requests at the edge of the limit make it long, so that no top-up
    /// falls between their requests on a slow machine.
    /// </summary>
    public TimeSpan RateLimitReplenishmentPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most versions a backend may be behind and still get traffic under the LagAware policy.</summary>
    [Range(0, long.MaxValue)]
    public long MaxReplicationLag { get; set; } = 100;

    /// <summary>How often each backend's <c>/health</c> is probed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a probe may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive failed probes that take a backend out. The first successful probe brings it back.</summary>
    [Range(1, 100)]
    public int UnhealthyAfterFailedProbes { get; set; } = 2;

    /// <summary>
    /// How long a backend stays out after a request to it failed in transport (refused, reset, timed out).
    /// After that the active probes decide again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PassiveReactivationPeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long the balancer waits for a backend without any progress before giving up on it, so that a hung
    /// backend costs a bounded delay (YARP's default is 100 s). Longer than a backend's longest legitimate wait:
    /// a session or strong read waits up to 2 s for replication.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs Kestrel's request processing on the socket thread that read the request, instead of queueing it to
    /// the thread pool (Kestrel's <c>UnsafePreferInlineScheduling</c>). A proxy's requests only wait on sockets,
    /// never block, and each hop through the thread pool costs a context switch on a busy machine.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>At most this many backends are tried for one request.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a registration lives unless renewed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan RegistrationTtl { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>The service-discovery name whose endpoints seed the registry (<c>services:backend:http:*</c> in Aspire).</summary>
    [Required]
    public string DiscoveryServiceName { get; set; } = "backend";

    /// <summary>How often service discovery is asked again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DiscoveryRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
