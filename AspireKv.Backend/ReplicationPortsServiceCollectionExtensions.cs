using AspireKv.Backend.Faults;
using AspireKv.Backend.Membership;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend;

/// <summary>Registers the adapters behind the backend's two ports, each wrapped in the simulated cut from Redis.</summary>
internal static class ReplicationPortsServiceCollectionExtensions
{
    /// <summary>
    /// Makes <paramref name="log"/> the <see cref="IReplicationLog"/> and <paramref name="peers"/> the
    /// <see cref="IPeerChannel"/>, both behind the <see cref="RedisFaultSwitch"/> the dashboard's "Cut off from Redis" flips.
    /// </summary>
    public static IServiceCollection AddReplicationPorts(
        this IServiceCollection services,
        Func<IServiceProvider, IReplicationLog> log,
        Func<IServiceProvider, IPeerChannel> peers)
    {
        services.AddSingleton<IReplicationLog>(provider => new CutOffReplicationLog(log(provider), provider.GetRequiredService<RedisFaultSwitch>()));
        services.AddSingleton<IPeerChannel>(provider => new CutOffPeerChannel(peers(provider), provider.GetRequiredService<RedisFaultSwitch>()));
        return services;
    }
}
