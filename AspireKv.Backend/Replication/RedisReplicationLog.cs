using System.Runtime.CompilerServices;
using AspireKv.Backend.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireKv.Backend.Replication;

/// <summary>
/// <see cref="IReplicationLog"/> on Redis or Garnet. Only moves bytes: the message format belongs to
/// <see cref="ReplicationMessageCodec"/> and the rules to <see cref="Replica"/>.
/// </summary>
internal sealed class RedisReplicationLog(
    IConnectionMultiplexer redis,
    IOptions<ReplicationOptions> options,
    ReplicationMetrics metrics,
    ILogger<RedisReplicationLog> logger) : IReplicationLog
{
    private readonly RedisReplicationKeys _keys = new(options.Value.KeyPrefix);
    private readonly int _logLength = options.Value.LogLength;

    public async Task<CommitResult> CommitAsync(string key, ChangeKind kind, byte[] body, CancellationToken cancellationToken)
    {
        var result = await Guard(() => redis.GetDatabase().ScriptEvaluateAsync(
            CommitScript.Source,
            [_keys.Sequence, _keys.DurableCopy, _keys.RecentLog],
            [key, body, _keys.Changes.ToString(), _logLength, kind == ChangeKind.Delete ? "D" : "S"])).ConfigureAwait(false);
        var version = (long)result;
        return version == 0 ? new CommitResult(CommitStatus.NotFound, 0) : new CommitResult(CommitStatus.Committed, version);
    }

    public async Task<long> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = await Guard(() => redis.GetDatabase().StringGetAsync(_keys.Sequence)).ConfigureAwait(false);
        return head.IsNull ? 0 : (long)head;
    }

    public async Task<IReadOnlyList<ReplicationEntry>> ReadRangeAsync(long fromVersion, long toVersion, int limit, CancellationToken cancellationToken)
    {
        var messages = await Guard(() => redis.GetDatabase().SortedSetRangeByScoreAsync(
            _keys.RecentLog, fromVersion, toVersion, take: limit)).ConfigureAwait(false);
        var entries = new List<ReplicationEntry>(messages.Length);
        foreach (var message in messages)
        {
            if (TryDecode(message, out var entry))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    public async IAsyncEnumerable<ReplicationEntry> ReadDurableCopyAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fields = redis.GetDatabase().HashScanAsync(_keys.DurableCopy, pageSize: 1_000);
        await using var enumerator = fields.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            HashEntry field;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                field = enumerator.Current;
            }
            catch (Exception exception) when (IsUnavailable(exception))
            {
                throw new ReplicationUnavailableException("Redis failed while the durable copy was read.", exception);
            }

            if (TryDecode(field.Value, out var entry))
            {
                yield return entry;
            }
        }
    }

    public async Task SubscribeAsync(Action<ReplicationEntry> onEntry, Action onReconnected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onEntry);
        ArgumentNullException.ThrowIfNull(onReconnected);
        redis.ConnectionRestored += (_, args) =>
        {
            if (args.ConnectionType == ConnectionType.Subscription)
            {
                onReconnected();
            }
        };

        var queue = await Guard(() => redis.GetSubscriber().SubscribeAsync(_keys.Changes)).ConfigureAwait(false);
        // ChannelMessageQueue delivers one message at a time in arrival order, which keeps gaps meaningful.
        queue.OnMessage(message =>
        {
            if (TryDecode(message.Message, out var entry))
            {
                onEntry(entry);
            }
        });
    }

    private bool TryDecode(RedisValue message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ReplicationEntry? entry)
    {
        if (ReplicationMessageCodec.TryDecode((byte[]?)message ?? [], out entry))
        {
            return true;
        }

        metrics.MalformedMessage();
        Log.MalformedMessage(logger, message.Length());
        return false;
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            throw new ReplicationUnavailableException("Redis is not reachable: " + exception.Message, exception);
        }
    }

    // Connection loss, timeouts and a server that is starting or busy mean "try again later". Any other
    // server error (a broken script, say) is a bug and must surface as one, not as a 503.
    private static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or TimeoutException or ObjectDisposedException => true,
        RedisServerException server => TransientServerErrors.Any(prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal)),
        _ => false,
    };

    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "READONLY"];
}
