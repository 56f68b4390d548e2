namespace AspireKv.Contracts;

/// <summary>One backend as the balancer sees it (<c>GET /registry</c>).</summary>
/// <param name="Id">The balancer's destination id: the normalised address.</param>
/// <param name="Name">The name the backend registered with, if it registered.</param>
/// <param name="Address">Where requests are forwarded.</param>
/// <param name="Discovered">True when service discovery lists it.</param>
/// <param name="Registered">True while its registration is renewed.</param>
/// <param name="RegistrationExpiresInSeconds">Seconds until an unrenewed registration lapses.</param>
/// <param name="ActiveHealth">The active probes' verdict: Unknown, Healthy or Unhealthy.</param>
/// <param name="PassiveHealth">The verdict from real traffic: Unknown, Healthy or Unhealthy.</param>
/// <param name="InFlightRequests">Requests being forwarded to it now.</param>
/// <param name="RequestsServed">Requests it has answered through this balancer since the balancer started.</param>
/// <param name="LastProbeSecondsAgo">How long ago it was last probed, if it was.</param>
/// <param name="LastProbeSucceeded">Whether that probe got a 2xx.</param>
/// <param name="AppliedVersion">The applied version in its last renewal, if it reported one.</param>
/// <param name="ReplicationLag">Versions it is behind the newest version any backend reported, if known.</param>
/// <param name="Keys">Live keys it held at its last renewal, if it reported them.</param>
/// <param name="Redis">The Redis servers as it saw them at its last renewal, if it reported them.</param>
public sealed record RegisteredBackend(
    string Id,
    string? Name,
    string Address,
    bool Discovered,
    bool Registered,
    double? RegistrationExpiresInSeconds,
    string ActiveHealth,
    string PassiveHealth,
    int InFlightRequests,
    long RequestsServed,
    double? LastProbeSecondsAgo,
    bool? LastProbeSucceeded,
    long? AppliedVersion,
    long? ReplicationLag,
    long? Keys,
    RedisServersStatus? Redis = null);
