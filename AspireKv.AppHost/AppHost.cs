using AspireKv.AppHost;
using AspireKv.Contracts;

var builder = DistributedApplication.CreateBuilder(args);
var settings = AppHostSettings.From(builder.Configuration, builder.AppHostDirectory);
// Which server runs, and why, before the orchestrator's own output; each backend also carries it (ASPIREKV_REDIS_CHOICE).
Console.WriteLine($"Redis: {settings.Redis}");

// Infrastructure: the Redis every write goes through.
var redis = builder.AddKeyValueRedis(settings);

// The cluster secret protects the registry and the backends' admin endpoints; a new one on every run.
var clusterSecret = builder.AddParameter("cluster-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

// The key that signs replication messages, so that publishing to Redis is not enough to inject a write.
var replicationKey = builder.AddParameter("replication-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

// The balancer is declared first so the backends can be told where to register.
var balancer = builder.AddProject<Projects.AspireKv_Balancer>("balancer", options => options.ExcludeLaunchProfile = true)
    .WithEnvironment("Cluster__Secret", clusterSecret)
    .WithHttpEndpoint(port: settings.FixedPorts ? settings.BalancerPort : null, isProxied: false)
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
    // Socket completions run on the socket's own thread instead of a hop to the thread pool: a proxy does little
    // but move bytes between sockets, and this gave +16 % GET throughput and a lower p99 (bench/ab.sh, docs/performance.md).
    .WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1")
    .WithHttpHealthCheck(HealthRoutes.Readiness)
    .WithExternalHttpEndpoints();

// Backends: separate resources, each with its own endpoint (not WithReplicas, whose proxy hides them).
for (var i = 1; i <= settings.Backends; i++)
{
    var backend = builder.AddBackendResource(i, settings, redis, balancer, clusterSecret, replicationKey);
    balancer.WithBackend(backend, i - 1).WaitFor(backend);
}

// Standby backends are declared but start only when asked (dashboard or resource command): a new backend
// joining a running cluster. The balancer knows them but does not wait for them.
for (var i = settings.Backends + 1; i <= settings.Backends + settings.StandbyBackends; i++)
{
    var standby = builder.AddBackendResource(i, settings, redis, balancer, clusterSecret, replicationKey).WithExplicitStart();
    balancer.WithBackend(standby, i - 1);
}

// Apps
if (settings.WithClient)
{
    builder.AddProject<Projects.AspireKv_Client>("client")
        .WithReference(balancer)
        .WithEnvironment("Cluster__Secret", clusterSecret)
        .WaitFor(balancer)
        .WithHttpHealthCheck(HealthRoutes.Readiness)
        .WithExternalHttpEndpoints();
}

builder.WithoutHttpsCertificates();
builder.Build().Run();
