namespace AspireKv.AppHost;

/// <summary>The health paths of the services (the same constants as in ServiceDefaults, which the AppHost does not reference).</summary>
internal static class HealthEndpoints
{
    public const string Readiness = "/health";
}
