using AspireKv.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace AspireKv.AppHost;

/// <summary>
/// Adds the Redis every backend replicates through, in the mode the settings chose. Whatever the mode,
/// the backends see one connection string named <c>redis</c>.
/// </summary>
internal static class RedisResourceExtensions
{
    /// <summary>Adds the server and returns the connection string the backends read.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddKeyValueRedis(
        this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Only processes that know the password may read, write or publish; generated anew on every run.
        var password = builder.AddParameter("redis-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
        if (settings.Redis.Topology == RedisTopology.Replicated)
        {
            return builder.AddReplicatedRedis(settings, password);
        }

        return settings.Redis.Mode switch
        {
            RedisMode.Container => AddContainer(builder, password),
            RedisMode.Garnet => AddGarnet(builder, Path.Combine(settings.DataDirectory, "garnet"), password),
            RedisMode.RedisServer => AddRedisServer(builder, Path.Combine(settings.DataDirectory, "redis-server"), password),
            _ => throw new InvalidOperationException($"Unsupported Redis mode {settings.Redis.Mode}."),
        };
    }

    private static IResourceBuilder<RedisResource> AddContainer(IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> password) =>
        builder.AddRedis(ConnectionNames.Redis, password: password)
            .WithDataVolume("aspirekv-redis-data")
            .WithPersistence(TimeSpan.FromSeconds(1), keysChangedThreshold: 1);

    private static IResourceBuilder<IResourceWithConnectionString> AddGarnet(
        IDistributedApplicationBuilder builder, string dataDirectory, IResourceBuilder<ParameterResource> password)
    {
        var garnet = builder.AddProject<Projects.AspireKv_GarnetHost>("garnet", options => options.ExcludeLaunchProfile = true)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false, env: "GARNET_PORT")
            .WithEnvironment("Garnet__DataDirectory", dataDirectory)
            .WithEnvironment("Garnet__Password", password)
            .WithRestartEmptyCommand(dataDirectory);
        return ConnectionTo(builder, garnet, password);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(
        IDistributedApplicationBuilder builder, string dataDirectory, IResourceBuilder<ParameterResource> password)
    {
        Directory.CreateDirectory(dataDirectory);
        var server = builder.AddExecutable("redis-server", "redis-server", dataDirectory)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithRestartEmptyCommand(dataDirectory);
        var endpoint = server.GetEndpoint("tcp");
        server.WithArgs(context =>
        {
            context.Args.Add("--port");
            context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            context.Args.Add("--bind");
            context.Args.Add("127.0.0.1");
            // Every write is appended and fsynced once a second; no RDB snapshots.
            context.Args.Add("--appendonly");
            context.Args.Add("yes");
            context.Args.Add("--appendfsync");
            context.Args.Add("everysec");
            context.Args.Add("--save");
            context.Args.Add(string.Empty);
            context.Args.Add("--dir");
            context.Args.Add(dataDirectory);
            context.Args.Add("--requirepass");
            context.Args.Add(password.Resource);
        });
        return ConnectionTo(builder, server, password);
    }

    // The backends get "host:port,password=…,abortConnect=false" and wait until the server answers PING.
    private static IResourceBuilder<IResourceWithConnectionString> ConnectionTo<T>(
        IDistributedApplicationBuilder builder, IResourceBuilder<T> server, IResourceBuilder<ParameterResource> password)
        where T : class, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        var endpoint = server.GetEndpoint("tcp");
        server.WithPingHealthCheck(builder, password);
        return builder.AddConnectionString(
                ConnectionNames.Redis,
                ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)},password={password.Resource},abortConnect=false"))
            .WaitFor(server);
    }

    /// <summary>Healthy while the server answers PING on its <c>tcp</c> endpoint.</summary>
    public static IResourceBuilder<T> WithPingHealthCheck<T>(
        this IResourceBuilder<T> server, IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> password)
        where T : IResourceWithEndpoints
    {
        var endpoint = server.GetEndpoint("tcp");
        var healthCheck = $"{server.Resource.Name}-ping";
        builder.Services.AddHealthChecks().AddRedis(
            // The health-check API wants the string synchronously; a generated parameter's value is already known.
            _ => $"{endpoint.Host}:{endpoint.Port},password={password.Resource.GetValueAsync(default).AsTask().GetAwaiter().GetResult()},abortConnect=false,connectTimeout=2000",
            name: healthCheck);
        return server.WithHealthCheck(healthCheck);
    }
}
