using System.Threading.Channels;
using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// Publishes on Redis pub/sub (change messages and status announcements) from a queue bounded in bytes, on a
/// connection of its own, so that publishing never holds up a commit. Garnet delivers a <c>PUBLISH</c> to every
/// subscriber on the publishing connection itself: a subscriber that stops reading (a backend hung by SIGSTOP, a
/// stalled link) stalls that connection until it reads again. On the shared connection, awaited by the writer, that
/// stalled every commit of every backend; redis-server buffers each subscriber's output instead. Messages are a fast
/// path only (peers read anything they miss back from the recent log), so while the connection is stalled or Redis is
/// away, messages beyond the bound are dropped rather than waited for or kept without limit.
/// </summary>
internal sealed class RedisPublisher : IAsyncDisposable
{
    /// <summary>Bytes of messages waiting or in flight at most; a message that would exceed it is dropped.</summary>
    public const long MaxQueuedBytes = 16 * 1024 * 1024;

    /// <summary>Publishes sent and not yet answered at most: enough to keep up with commits, few enough that a stalled
    /// connection stops the sending (and so lets the byte bound act).</summary>
    private const int MaxInFlight = 64;

    private readonly Channel<(RedisChannel Channel, RedisValue Message)> _queue =
        Channel.CreateUnbounded<(RedisChannel, RedisValue)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly Task _sending;
    private long _queuedBytes;

    /// <param name="configuration">The same settings as the commit connection's.</param>
    public RedisPublisher(ConfigurationOptions configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.Clone();
        options.ClientName = (options.ClientName ?? "aspirekv") + "-publish";
        _connection = ConnectionMultiplexer.ConnectAsync(options);
        _sending = Task.Run(SendAsync);
    }

    /// <summary>Queues <paramref name="message"/>, or drops it when too much is waiting already; never waits.</summary>
    public void Publish(RedisChannel channel, RedisValue message)
    {
        var size = message.Length();
        if (Interlocked.Add(ref _queuedBytes, size) > MaxQueuedBytes || !_queue.Writer.TryWrite((channel, message)))
        {
            Interlocked.Add(ref _queuedBytes, -size);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _sending.ConfigureAwait(false);
        await (await _connection.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        _inFlight.Dispose();
    }

    private async Task SendAsync()
    {
        var connection = await _connection.ConfigureAwait(false);
        var subscriber = connection.GetSubscriber();
        await foreach (var (channel, message) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _inFlight.WaitAsync().ConfigureAwait(false);
            _ = PublishOneAsync(subscriber, channel, message);
        }

        // Let the last ones finish before the connection is disposed.
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _inFlight.WaitAsync().ConfigureAwait(false);
        }
    }

    private async Task PublishOneAsync(ISubscriber subscriber, RedisChannel channel, RedisValue message)
    {
        try
        {
            await subscriber.PublishAsync(channel, message).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Redis is away: the message is lost, as any message published while a subscriber is disconnected.
        }
        finally
        {
            Interlocked.Add(ref _queuedBytes, -message.Length());
            _inFlight.Release();
        }
    }
}
