using System.Text.Json;
using AspireKv.Backend.Replication;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireKv.Backend.Membership;

/// <summary>Publishes and receives status announcements on Redis pub/sub. Only moves bytes.</summary>
internal sealed class RedisPeerChannel(IConnectionMultiplexer redis, RedisPublisher publisher, IOptions<ReplicationOptions> options, RedisFaultSwitch faults)
{
    private readonly RedisChannel _channel = RedisChannel.Literal($"{options.Value.KeyPrefix}:status");

    /// <summary>Queues the announcement; one that does not go out is simply missed, and peers see this backend as silent.</summary>
    public Task PublishAsync(PeerAnnouncement announcement)
    {
        if (!faults.CutOff)
        {
            publisher.Publish(_channel, JsonSerializer.SerializeToUtf8Bytes(announcement, MembershipJsonContext.Default.PeerAnnouncement));
        }

        return Task.CompletedTask;
    }

    public async Task SubscribeAsync(Action<PeerAnnouncement> onAnnouncement)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(_channel).ConfigureAwait(false);
        queue.OnMessage(message =>
        {
            if (faults.CutOff)
            {
                return;
            }

            try
            {
                if (JsonSerializer.Deserialize((byte[])message.Message!, MembershipJsonContext.Default.PeerAnnouncement) is { Name.Length: > 0 } announcement)
                {
                    onAnnouncement(announcement);
                }
            }
            catch (JsonException)
            {
                // Not an announcement of ours; ignore it.
            }
        });
    }
}
