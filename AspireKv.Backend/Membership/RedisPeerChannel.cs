using System.Text.Json;
using AspireKv.Backend.Replication;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireKv.Backend.Membership;

/// <summary>Publishes and receives status announcements on Redis pub/sub. Only moves bytes.</summary>
internal sealed class RedisPeerChannel(IConnectionMultiplexer redis, IOptions<ReplicationOptions> options, RedisFaultSwitch faults)
{
    private readonly RedisChannel _channel = RedisChannel.Literal($"{options.Value.KeyPrefix}:status");

    public async Task PublishAsync(PeerAnnouncement announcement)
    {
        if (faults.CutOff)
        {
            return;
        }

        try
        {
            await redis.GetSubscriber().PublishAsync(
                _channel, JsonSerializer.SerializeToUtf8Bytes(announcement, MembershipJsonContext.Default.PeerAnnouncement)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // An announcement that does not go out is simply missed; peers see this backend as silent.
        }
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
