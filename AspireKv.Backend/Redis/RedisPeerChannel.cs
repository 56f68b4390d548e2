using System.Text.Json;
using AspireKv.Backend.Membership;
using AspireKv.Backend.Replication;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary><see cref="IPeerChannel"/> on Redis pub/sub. Only moves bytes.</summary>
internal sealed class RedisPeerChannel(IConnectionMultiplexer redis, RedisPublisher publisher, IOptions<ReplicationOptions> options) : IPeerChannel
{
    private readonly RedisChannel _channel = new RedisReplicationKeys(options.Value.KeyPrefix).Status;

    public void Publish(PeerAnnouncement announcement) =>
        publisher.Publish(_channel, JsonSerializer.SerializeToUtf8Bytes(announcement, MembershipJsonContext.Default.PeerAnnouncement));

    public async Task SubscribeAsync(Action<PeerAnnouncement> onAnnouncement, CancellationToken cancellationToken)
    {
        ChannelMessageQueue queue;
        try
        {
            queue = await redis.GetSubscriber().SubscribeAsync(_channel).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            throw new ReplicationUnavailableException("Redis is not reachable: " + exception.Message, exception);
        }

        queue.OnMessage(message =>
        {
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
