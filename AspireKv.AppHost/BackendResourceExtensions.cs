using AspireKv.Contracts;

namespace AspireKv.AppHost;

/// <summary>Adds one backend and wires it to Redis and the balancer.</summary>
internal static class BackendResourceExtensions
{
    public static IResourceBuilder<ProjectResource> AddBackendResource(
        this IDistributedApplicationBuilder builder,
        int number,
        AppHostSettings settings,
        IResourceBuilder<IResourceWithConnectionString> redis,
        IResourceBuilder<ProjectResource> balancer,
        IResourceBuilder<ParameterResource> clusterSecret,
        IResourceBuilder<ParameterResource> replicationKey)
    {
        var name = $"backend-{number}";
        var backend = builder.AddProject<Projects.AspireKv_Backend>(name, options => options.ExcludeLaunchProfile = true)
            // Proxy-less: a stopped backend refuses connections at once, and the address it registers is its own.
            .WithHttpEndpoint(port: settings.FixedPorts ? settings.FirstBackendPort + number - 1 : null, isProxied: false)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("Node__Name", name)
            // Not read by the backend: the dashboard shows a resource's environment, so this says there which Redis runs and why.
            .WithEnvironment("ASPIREKV_REDIS_CHOICE", settings.Redis.ToString())
            .WithEnvironment("Registration__BalancerUrl", balancer.GetEndpoint("http"))
            .WithEnvironment("Cluster__Secret", clusterSecret)
            .WithEnvironment("Replication__SigningKey", replicationKey)
            .WithReference(redis)
            .WaitFor(redis)
            .WithHttpHealthCheck(HealthRoutes.Readiness);
        backend.WithEnvironment("Node__PublicUrl", backend.GetEndpoint("http"));
        return backend.WithBackendFaultCommands(clusterSecret);
    }

    /// <summary>Lists <paramref name="backend"/> in the balancer's service discovery.</summary>
    public static IResourceBuilder<ProjectResource> WithBackend(
        this IResourceBuilder<ProjectResource> balancer, IResourceBuilder<ProjectResource> backend, int index) =>
        balancer.WithEnvironment(
            $"services__backend__http__{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}", backend.GetEndpoint("http"));
}
