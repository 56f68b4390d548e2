using AspireKv.Backend.Api;
using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Membership;
using AspireKv.Backend.Node;
using AspireKv.Backend.Registration;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using AspireKv.Contracts;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly;
using StackExchange.Redis;

namespace AspireKv.Backend;

/// <summary>Registers everything a backend is made of.</summary>
internal static class BackendServiceCollectionExtensions
{
    /// <summary>The name of the Redis connection string (the AppHost's Redis resource).</summary>
    public const string RedisConnectionName = "redis";

    public static IHostApplicationBuilder AddKeyValueBackend(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(RedisConnectionName, settings =>
        {
            // Readiness is replication state, not Redis reachability: during an outage reads keep working.
            settings.DisableHealthChecks = true;
            // The component's Redis spans would start a tracer of their own even with nowhere to send them.
            settings.DisableTracing = !builder.Configuration.ExportsTelemetry();
        }, redis => ConfigureRedis(redis, builder.Configuration));

        builder.AddClusterSecurity();
        var services = builder.Services;
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName);
        services.AddOptions<ReplicationOptions>().BindConfiguration(ReplicationOptions.SectionName).ValidateDataAnnotations()
            .Validate<IOptions<ClusterSecurityOptions>>(
                (replication, security) => !string.IsNullOrEmpty(replication.SigningKey) || security.Value.AllowInsecureDevelopment,
                "Replication:SigningKey is not set. Set it (the AppHost does), or set Cluster:AllowInsecureDevelopment=true to accept unsigned replication messages.")
            .ValidateOnStart();
        services.AddSingleton(provider => new ReplicationSigner(provider.GetRequiredService<IOptions<ReplicationOptions>>().Value.SigningKey ?? string.Empty));
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ValueLimits>().BindConfiguration(ValueLimits.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<KeyValueStore>();
        services.AddSingleton<Replica>();
        services.AddSingleton<ReplicationStatus>();
        services.AddSingleton<ReplicationMetrics>();
        services.AddSingleton<RedisFaultSwitch>();
        services.AddSingleton(provider =>
        {
            var redis = ConfigurationOptions.Parse(builder.Configuration.GetConnectionString(RedisConnectionName)
                ?? throw new InvalidOperationException($"No connection string '{RedisConnectionName}'."));
            ConfigureRedis(redis, builder.Configuration);
            return new RedisPublisher(redis);
        });
        services.AddSingleton<IReplicationLog, RedisReplicationLog>();
        services.AddSingleton<KeyValueWriter>();
        services.AddSingleton<KeyValueReader>();
        services.AddSingleton<AppliedVersionWaiter>();
        // One synchronizer, both a hosted service and something reads and writes can ask for a check.
        services.AddSingleton<ReplicationSynchronizer>();
        services.AddHostedService(provider => provider.GetRequiredService<ReplicationSynchronizer>());

        services.AddSingleton<RedisPeerChannel>();
        // A peer is alive while it was heard from within three announcement intervals.
        services.AddSingleton(provider => new PeerTable(provider.GetRequiredService<TimeProvider>(), MembershipService.AnnounceInterval * 3));
        services.AddHostedService<MembershipService>();

        // RemoveAllResilienceHandlers is marked experimental; it is the documented way to undo the defaults.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(BalancerRegistrationService.HttpClientName)
            .ConfigureHttpClient((provider, http) =>
            {
                if (provider.GetRequiredService<IOptions<ClusterSecurityOptions>>().Value.Secret is { Length: > 0 } secret)
                {
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                }
            })
            // The renewal every RenewInterval is the retry. The standard handler's retries with growing back-off kept
            // a backend from registering for up to 8 s after a balancer restart (measured by the chaos runs).
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("renewal", pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(1)));
#pragma warning restore EXTEXP0001
        services.AddHostedService<BalancerRegistrationService>();

        services.AddHealthChecks().AddCheck<ReplicationHealthCheck>("replication");
        services.AddApiDescription();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default));
        services.Configure<ExceptionHandlerOptions>(handler =>
            // A malformed request (bad framing, a body over Kestrel's limit) is the client's error, not a 500.
            handler.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        return builder;
    }

    public static WebApplication UseKeyValueBackend(this WebApplication app)
    {
        app.UseServedByHeader();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Maps every endpoint a backend serves, so the program and the in-process test host serve the same set.</summary>
    public static WebApplication MapKeyValueBackend(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapKeyValueApi();
        app.MapWatchApi();
        app.MapAdminApi();
        app.MapApiDescription();
        return app;
    }

    /// <summary>The backend's settings of its Redis connection, on top of the connection string's.</summary>
    internal static void ConfigureRedis(ConfigurationOptions redis, IConfiguration configuration)
    {
        redis.AbortOnConnectFail = false;
        // Fail a write at once while Redis is away instead of queueing it until a timeout.
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        var key = $"{ReplicationOptions.SectionName}:{nameof(ReplicationOptions.RedisOnThreadPool)}";
        if (configuration.GetValue(key, new ReplicationOptions().RedisOnThreadPool))
        {
            redis.SocketManager = SocketManager.ThreadPool;
        }
    }
}
