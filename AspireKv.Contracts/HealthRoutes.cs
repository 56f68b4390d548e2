namespace AspireKv.Contracts;

/// <summary>
/// The health paths every AspireKv service serves, in every environment: the balancer probes
/// <see cref="Readiness"/> on each backend and the AppHost waits for it.
/// </summary>
public static class HealthRoutes
{
    /// <summary>Readiness: every registered health check must pass. A backend that is still catching up fails it.</summary>
    public const string Readiness = "/health";

    /// <summary>Liveness: only the checks of liveness; the process answers at all.</summary>
    public const string Liveness = "/alive";
}
