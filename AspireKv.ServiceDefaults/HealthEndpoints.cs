namespace Microsoft.Extensions.Hosting;

/// <summary>How health checks are sorted between the two health paths (<see cref="AspireKv.Contracts.HealthRoutes"/>).</summary>
public static class HealthEndpoints
{
    /// <summary>The tag of checks that belong to liveness (<see cref="AspireKv.Contracts.HealthRoutes.Liveness"/>).</summary>
    public const string LiveTag = "live";
}
