using System.Net.Http.Headers;
using AspireKv.Backend.Api;
using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Expiry;
using AspireKv.Backend.Faults;
using AspireKv.Backend.KeyValue;
using AspireKv.Backend.Membership;
using AspireKv.Backend.Node;
using AspireKv.Backend.Registration;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Snapshots;
using AspireKv.Backend.Storage;
using AspireKv.Backend.Synchronization;
using AspireKv.Contracts;
using Microsoft.Extensions.Options;
using Polly;

namespace AspireKv.Backend;

/// <summary>
/// Registers the services a backend is made of, apart from the adapters behind its ports
/// (<see cref="Redis.RedisServiceCollectionExtensions.AddRedisReplication"/> in production);
/// <see cref="BackendPipeline"/> builds its request pipeline.
/// </summary>
internal static class BackendServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddBackendServices(this IHostApplicationBuilder builder)
    {
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
        services.AddSingleton<RedisServersView>();
        services.AddSingleton<RedisFaultSwitch>();
        services.AddSingleton<KeyValueWriter>();
        services.AddSingleton<KeyValueReader>();
        services.AddSingleton<AppliedVersionWaiter>();
        services.AddSingleton<SnapshotService>();
        services.AddSingleton<RedisClock>();
        services.AddHostedService<RedisClockSampler>();
        services.AddHostedService<ExpirySweeper>();
        // One synchronizer, both a hosted service and something reads and writes can ask for a check.
        services.AddSingleton<ReplicationSynchronizer>();
        services.AddHostedService(provider => provider.GetRequiredService<ReplicationSynchronizer>());

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
        {
            // A malformed request (bad framing, a body cut short or over Kestrel's limit) is the client's error, not a
            // 500, and not a server failure to log as one: a client that gives up mid-body is answered and forgotten.
            handler.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            handler.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException;
        });
        return builder;
    }
}
