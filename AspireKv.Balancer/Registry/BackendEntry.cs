using AspireKv.Contracts;

namespace AspireKv.Balancer.Registry;

/// <summary>One backend the registry knows, by its normalised address.</summary>
/// <param name="Id">The normalised address, also the YARP destination id (stable, so health state survives updates).</param>
/// <param name="Address">Where requests are forwarded.</param>
/// <param name="Name">The name the backend registered with, if any.</param>
/// <param name="Discovered">Listed by service discovery.</param>
/// <param name="RegisteredUntil">When an unrenewed registration lapses; null when not registered.</param>
/// <param name="Replication">What the backend said of its replication in its last renewal.</param>
internal sealed record BackendEntry(
    string Id, Uri Address, string? Name, bool Discovered, DateTimeOffset? RegisteredUntil, ReplicationReport? Replication = null)
{
    /// <summary>True while the backend's own registration is alive.</summary>
    public bool Registered => RegisteredUntil is not null;
}

/// <summary>A backend's replication state as of one renewal.</summary>
internal sealed record ReplicationReport(long AppliedVersion, long HeadVersion, DateTimeOffset ReportedAt, long Keys = 0, RedisServersStatus? Redis = null);
