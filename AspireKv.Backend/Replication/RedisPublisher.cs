using System.Threading.Channels;
using StackExchange.Redis;

namespace AspireKv.Backend.Replication;

/// <summary>
/// Publishes on Redis pub/sub (change messages and status announcements) from a bounded queue, on a connection of its
/// own, so that publishing never holds up a commit. Garnet delivers a <c>PUBLISH</c> to every subscriber on the
/// publishing connection itself: a subscriber that stops reading (a backend hung by SIGSTOP, a stalled link) stalls
/// that connection, and StackExchange.Redis then makes its writers wait for the connection's buffer to drain. On a
/// shared connection, and awaited by the writer, that stalled every commit of every backend. redis-server buffers
/// each subscriber's output instead. Messages are a fast path only (peers read anything they miss back from the
/// recent log), so when the queue is full a message is dropped rather than waited for.
/// </summary>
internal sealed class RedisPublisher : IAsyncDisposable
{
    /// <summary>Messages waiting to be sent at most; beyond it new ones are dropped.</summary>
    public const int QueueCapacity = 10_000;

    private readonly Channel<(RedisChannel Channel, RedisValue Message)> _queue;
    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly Task _sending;

    /// <param name="configuration">The same settings as the commit connection's.</param>
    public RedisPublisher(ConfigurationOptions configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.Clone();
        options.ClientName = (options.ClientName ?? "aspirekv") + "-publish";
        _queue = Channel.CreateBounded<(RedisChannel, RedisValue)>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        _connection = ConnectionMultiplexer.ConnectAsync(options);
        _sending = Task.Run(SendAsync);
    }

    /// <summary>Queues <paramref name="message"/>; never waits.</summary>
    public void Publish(RedisChannel channel, RedisValue message) => _queue.Writer.TryWrite((channel, message));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _sending.ConfigureAwait(false);
        await (await _connection.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
    }

    private async Task SendAsync()
    {
        var connection = await _connection.ConfigureAwait(false);
        await foreach (var (channel, message) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await connection.GetSubscriber().PublishAsync(channel, message, CommandFlags.FireAndForget).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Redis is away: the message is lost, as any message published while a subscriber is disconnected.
            }
        }
    }
}
