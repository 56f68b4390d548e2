using AspireKv.Backend.Node;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Membership;

/// <summary>
/// Health between servers: announces this backend (name, address, readiness, applied version, keys) every
/// second and records everyone's announcements in the <see cref="PeerTable"/>.
/// </summary>
internal sealed class MembershipService(
    IPeerChannel channel,
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
                await channel.SubscribeAsync(peers.Heard, stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (ReplicationUnavailableException)
            {
                await Task.Delay(AnnounceInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }

        using var timer = new PeriodicTimer(AnnounceInterval, time);
        do
        {
            channel.Publish(new PeerAnnouncement(
                node.Name,
                node.PublicUrl?.ToString(),
                status.Ready,
                replica.AppliedVersion,
                status.HeadVersion,
                replica.Store.LiveKeyCount));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
