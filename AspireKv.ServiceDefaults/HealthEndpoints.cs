namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The health paths every AspireKv service serves. The balancer probes <see cref="Readiness"/> on each
/// backend, so these exist in every environment, not only in Development.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>Readiness: every registered health check must pass. A backend that is still catching up fails it.</summary>
    public const string Readiness = "/health";

    /// <summary>Liveness: only checks tagged <see cref="LiveTag"/>; the process answers at all.</summary>
    public const string Liveness = "/alive";

    /// <summary>The tag of checks that belong to liveness.</summary>
    public const string LiveTag = "live";
}
