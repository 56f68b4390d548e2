using AspireKv.Backend.Node;
using AspireKv.Backend.Replication;
using StackExchange.Redis;

namespace AspireKv.Backend.Membership;

/// <summary>
/// Health between servers: announces this backend (name, address, readiness, applied version, keys) every
/// second and records everyone's announcements in the <see cref="PeerTable"/>.
/// </summary>
internal sealed class MembershipService(
    RedisPeerChannel channel,
    PeerTable peers,
    Replica replica,
    ReplicationStatus status,
    NodeIdentity node,
    TimeProvider time) : BackgroundService
{
    /// <summary>How often a backend announces itself.</summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await channel.SubscribeAsync(peers.Heard).ConfigureAwait(false);
                break;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                await Task.Delay(AnnounceInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }

        using var timer = new PeriodicTimer(AnnounceInterval, time);
        do
        {
            await channel.PublishAsync(new PeerAnnouncement(
                node.Name,
                node.PublicUrl?.ToString(),
                status.Ready,
                replica.AppliedVersion,
                status.HeadVersion,
                replica.Store.LiveKeyCount)).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
