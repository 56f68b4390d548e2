using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>Registers the Redis adapters: the connection, the publisher, the replication log and the status channel.</summary>
internal static class RedisServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddRedisReplication(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(ConnectionNames.Redis, settings =>
        {
            // Readiness is replication state, not Redis reachability: during an outage reads keep working.
            settings.DisableHealthChecks = true;
            // The component's Redis spans would start a tracer of their own even with nowhere to send them.
            settings.DisableTracing = !builder.Configuration.ExportsTelemetry();
        }, redis => ConfigureRedis(redis, builder.Configuration));

        var services = builder.Services;
        services.AddSingleton(_ => new RedisPublisher(ConnectionOptions(builder.Configuration)));
        services.AddSingleton(provider =>
        {
            var redis = ConnectionOptions(builder.Configuration);
            var replication = provider.GetRequiredService<IOptions<ReplicationOptions>>().Value;
            var behindSentinel = !string.IsNullOrEmpty(redis.ServiceName);
            return new RedisCommitConnection(
                provider.GetRequiredService<IConnectionMultiplexer>(),
                redis,
                ReplicaAcknowledgement.Required(replication.MinReplicaAcks, behindSentinel),
                replication.ReplicaAckTimeout,
                followsFailovers: behindSentinel);
        });
        services.AddSingleton<PrimaryConfirmation>();
        services.AddSingleton<RedisReplicationLog>();
        services.AddHostedService(provider => new RedisServersMonitor(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<RedisServersView>(),
            provider.GetRequiredService<RedisCommitConnection>().FollowsFailovers,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RedisServersMonitor>>()));
        services.AddSingleton<RedisPeerChannel>();
        services.AddReplicationPorts(
            provider => provider.GetRequiredService<RedisReplicationLog>(),
            provider => provider.GetRequiredService<RedisPeerChannel>());
        return builder;
    }

    private static ConfigurationOptions ConnectionOptions(IConfiguration configuration)
    {
        var redis = ConfigurationOptions.Parse(configuration.GetConnectionString(ConnectionNames.Redis)
            ?? throw new InvalidOperationException($"No connection string '{ConnectionNames.Redis}'."));
        ConfigureRedis(redis, configuration);
        return redis;
    }

    /// <summary>The backend's settings of its Redis connections, on top of the connection string's.</summary>
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
