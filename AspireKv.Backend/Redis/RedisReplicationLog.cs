using System.Runtime.CompilerServices;
using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// <see cref="IReplicationLog"/> on Redis or Garnet. Only moves bytes: the message format belongs to
/// <see cref="ReplicationMessageCodec"/>, the rules to <see cref="Replica"/> and <see cref="SyncPlanner"/>.
/// </summary>
internal sealed class RedisReplicationLog(
    IConnectionMultiplexer redis,
    RedisCommitConnection commits,
    RedisPublisher publisher,
    IOptions<ReplicationOptions> options,
    ReplicationSigner signer,
    ReplicationMetrics metrics,
    PrimaryConfirmation confirmation,
    TimeProvider time,
    ILogger<RedisReplicationLog> logger) : IReplicationLog
{
    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "READONLY", "NOREPLICAS", "SERVERCHANGED", WaitOnReplica];

    /// <summary>
    /// A commit's <c>WAIT</c> refused by a replica: the commit connection is on a server that is (now) a replica, a
    /// demoted primary. Its script may have run while that server was still primary, so the outcome is unknown.
    /// </summary>
    private const string WaitOnReplica = "ERR WAIT cannot be used with replica";
    private const int ScanPageSize = 1_000;
    private static readonly TimeSpan SnapshotStagingLifetime = TimeSpan.FromMinutes(10);
    private readonly RedisReplicationKeys _keys = new(options.Value.KeyPrefix);
    private readonly PrimaryRediscovery _rediscovery = new(redis);
    private readonly int _logLength = options.Value.LogLength;
    private readonly TimeSpan _confirmAfter = options.Value.PrimaryConfirmationAfter;

    private IDatabase Database => redis.GetDatabase();

    private RedisValue FenceArgument => commits.FollowsFailovers ? "1" : string.Empty;

    public bool FollowsFailovers => commits.FollowsFailovers;

    public async Task<CommitResult> CommitAsync(WriteRequest request, byte[] body, long highestKnownVersion, string? writerEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RedisKey idempotency = request.IdempotencyKey is { } idempotencyKey ? _keys.Idempotency(idempotencyKey) : string.Empty;
        var sent = time.GetTimestamp();
        var (answer, acknowledgements) = await Guard(() => commits.EvaluateAsync(
            CommitScript.Source,
            [_keys.Sequence, _keys.DurableCopy, _keys.RecentLog, _keys.Epoch, idempotency, _keys.EpochPrimary],
            [
                request.Key,
                body,
                _logLength,
                KindArgument(request.Kind),
                request.Condition.ToScriptArgument(),
                highestKnownVersion,
                (long)KvLimits.IdempotencyWindow.TotalSeconds,
                request.IdempotencyKey is null ? string.Empty : IdempotencyFingerprint.Of(request),
                writerEpoch ?? string.Empty,
                FenceArgument,
                request.Kind == ChangeKind.Expire ? request.ExpiresAt : request.TimeToLiveMilliseconds,
                ReplicationMessageCodec.ExpiryOffset(body),
            ])).ConfigureAwait(false);
        var result = (RedisResult[])answer!;
        var code = (long)result[0];
        var version = (long)result[1];
        if (!Enum.IsDefined((CommitStatus)code))
        {
            throw new InvalidOperationException($"The commit script answered the unknown code {code}.");
        }

        var status = (CommitStatus)code;
        if (!ReplicaAcknowledgement.IsSettled(status, recorded: request.IdempotencyKey is not null, acknowledgements, commits.RequiredAcks))
        {
            // Committed (or its refusal recorded) on the primary, but not known to be on enough replicas: losing the
            // primary now could lose it. Not published either, so no backend serves a write that may yet disappear.
            throw new ReplicationUnavailableException(
                $"Redis settled the write ({status}, version {version}) but only {acknowledgements} of the {commits.RequiredAcks} replicas required confirmed it in time.",
                new TimeoutException("WAIT"),
                outcomeUnknown: true);
        }

        if (status is CommitStatus.Committed or CommitStatus.Replayed && commits.FollowsFailovers && time.GetElapsedTime(sent) >= _confirmAfter
            && !await confirmation.IsOnlyPrimaryAsync(result.Length > 2 ? result[2].ToString() : string.Empty).ConfigureAwait(false))
        {
            // Answered late, by a server that another has replaced as the primary meanwhile: the replicas that confirmed
            // it may drop it as they follow the new primary.
            throw new ReplicationUnavailableException(
                $"Version {version} was settled on a server that is no longer the only primary; whether it survived the failover is not known.",
                new TimeoutException("failover"),
                outcomeUnknown: true);
        }

        return new CommitResult(status, version, result.Length > 3 ? (long)result[3] : 0);
    }

    private static RedisValue KindArgument(ChangeKind kind) => kind switch
    {
        ChangeKind.Set => "S",
        ChangeKind.Delete => "D",
        ChangeKind.Expire => "X",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of write."),
    };

    public async Task<ClusterState> ReadStateAsync(CancellationToken cancellationToken)
    {
        if (!commits.FollowsFailovers)
        {
            // Sent back to back on one connection: the clock is read just after the state, by the same server.
            var reading = Database.StringGetAsync([_keys.Sequence, _keys.Epoch], CommandFlags.DemandMaster);
            var clock = Database.ExecuteAsync("TIME", [], CommandFlags.DemandMaster);
            await Guard(async () =>
            {
                await Task.WhenAll(reading, clock).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            var values = await reading.ConfigureAwait(false);
            return new ClusterState(values[0].IsNull ? 0 : (long)values[0], values[1].IsNull ? null : values[1].ToString(), Clock: Microseconds(await clock.ConfigureAwait(false)) / 1000);
        }

        var answer = (RedisResult[])(await Guard(() => Database.ScriptEvaluateAsync(
            StateScript.Source, [_keys.Sequence, _keys.Epoch, _keys.EpochPrimary], flags: CommandFlags.DemandMaster)).ConfigureAwait(false))!;
        return new ClusterState(
            answer[0].IsNull ? 0 : (long)answer[0],
            answer[1].IsNull ? null : answer[1].ToString(),
            PrimaryChanged: (long)answer[2] == 1,
            ConnectedReplicas: (int)answer[3],
            Server: answer[4].ToString(),
            Clock: answer.Length > 5 ? (long)answer[5] : 0);
    }

    public async Task<long> ReadClockAsync(CancellationToken cancellationToken) =>
        Microseconds(await Guard(() => Database.ExecuteAsync("TIME", [], CommandFlags.DemandMaster)).ConfigureAwait(false));

    // TIME answers {seconds, microseconds}.
    private static long Microseconds(RedisResult time)
    {
        var parts = (RedisValue[])time!;
        return ((long)parts[0] * 1_000_000) + (long)parts[1];
    }

    public async Task<IReadOnlyList<ReplicationEntry>> ReadRangeAsync(long fromVersion, long toVersion, int limit, string? server, CancellationToken cancellationToken)
    {
        var messages = commits.FollowsFailovers && server is not null
            ? (RedisValue[])(await Guard(() => Database.ScriptEvaluateAsync(
                StateScript.ReadRange, [_keys.RecentLog], [fromVersion, toVersion, limit, server], CommandFlags.DemandMaster)).ConfigureAwait(false))!
            : await Guard(() => Database.SortedSetRangeByScoreAsync(_keys.RecentLog, fromVersion, toVersion, take: limit, flags: CommandFlags.DemandMaster)).ConfigureAwait(false);
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

    public IAsyncEnumerable<ReplicationEntry> ReadDurableCopyAsync(string? server, CancellationToken cancellationToken) =>
        commits.FollowsFailovers && server is not null ? ReadDurableCopyFromAsync(server, cancellationToken) : ScanDurableCopyAsync(cancellationToken);

    private async IAsyncEnumerable<ReplicationEntry> ReadDurableCopyFromAsync(string server, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = "0";
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = (RedisResult[])(await Guard(() => Database.ScriptEvaluateAsync(
                StateScript.ScanDurableCopy, [_keys.DurableCopy], [cursor, ScanPageSize, server], CommandFlags.DemandMaster)).ConfigureAwait(false))!;
            cursor = page[0].ToString();
            var fields = (RedisValue[])page[1]!;
            for (var i = 1; i < fields.Length; i += 2)
            {
                if (TryDecode(fields[i], out var entry))
                {
                    yield return entry;
                }
            }
        }
        while (cursor != "0");
    }

    private async IAsyncEnumerable<ReplicationEntry> ScanDurableCopyAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fields = Database.HashScanAsync(_keys.DurableCopy, pageSize: ScanPageSize, flags: CommandFlags.DemandMaster);
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
                _rediscovery.AfterFailure(exception);
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
            // Only messages signed with the cluster's key are applied; anything else is dropped and counted.
            if (!signer.TryVerify((byte[]?)message.Message ?? [], out var verified))
            {
                metrics.RejectedMessage();
                Log.RejectedMessage(logger, message.Message.Length());
                return;
            }

            if (TryDecode(verified, out var entry))
            {
                onEntry(entry);
            }
        });
    }

    public Task JoinRestoreAsync(string node, long knownGeneration, TimeSpan barrier, TimeSpan membershipTtl, CancellationToken cancellationToken) =>
        Guard(() => Database.ScriptEvaluateAsync(
            RestoreScripts.Join,
            [_keys.RestoreBarrier, _keys.RestoreMembers, _keys.RestoreMember(node), _keys.Generation],
            [node, (long)barrier.TotalMilliseconds, (long)membershipTtl.TotalMilliseconds, knownGeneration], CommandFlags.DemandMaster));

    public async Task WriteBackAsync(IReadOnlyList<ReplicationEntry> entries, long highestSeenVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var arguments = new RedisValue[1 + (entries.Count * 3)];
        arguments[0] = highestSeenVersion;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            arguments[1 + (i * 3)] = entry.Key;
            arguments[2 + (i * 3)] = EncodeMessage(entry);
            arguments[3 + (i * 3)] = entry.Version;
        }

        // On the commit connection, so that the replicas are waited for as for a commit: a restore completed on a
        // write-back only the primary had would lose it with the primary.
        var (_, acknowledgements) = await Guard(() => commits.EvaluateAsync(RestoreScripts.WriteBack, [_keys.Sequence, _keys.DurableCopy], arguments)).ConfigureAwait(false);
        if (acknowledgements < commits.RequiredAcks)
        {
            throw new ReplicationUnavailableException(
                $"Redis took the restore's write-back but only {acknowledgements} of the {commits.RequiredAcks} replicas required confirmed it in time.",
                new TimeoutException("WAIT"),
                outcomeUnknown: true);
        }
    }

    public async Task<string?> SeedAsync(IReadOnlyList<ReplicationEntry> entries, long expectedHead, string expectedEpoch, long newHead, string epochId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var staging = _keys.SnapshotStaging(epochId);
        foreach (var batch in entries.Chunk(ScanPageSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fields = batch.Select(entry => new HashEntry(entry.Key, EncodeMessage(entry))).ToArray();
            await Guard(async () =>
            {
                await Database.HashSetAsync(staging, fields, CommandFlags.DemandMaster).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            // A restore that fails half way leaves nothing behind for long.
            await Guard(() => Database.KeyExpireAsync(staging, SnapshotStagingLifetime, flags: CommandFlags.DemandMaster)).ConfigureAwait(false);
        }

        // On the commit connection, so that the replicas are waited for as for a commit.
        var (answer, acknowledgements) = await Guard(() => commits.EvaluateAsync(
            SnapshotScripts.Seed,
            [_keys.Sequence, _keys.DurableCopy, _keys.RecentLog, _keys.Epoch, _keys.Generation, staging],
            [expectedHead, expectedEpoch, newHead, epochId, entries.Count])).ConfigureAwait(false);
        if (answer is null || answer.IsNull)
        {
            return null;
        }

        if (acknowledgements < commits.RequiredAcks)
        {
            throw new ReplicationUnavailableException(
                $"Redis took the restore but only {acknowledgements} of the {commits.RequiredAcks} replicas required confirmed it in time.",
                new TimeoutException("WAIT"),
                outcomeUnknown: true);
        }

        return answer.ToString();
    }

    private static byte[] EncodeMessage(ReplicationEntry entry) => ReplicationMessageCodec.EncodeMessage(
        entry.Version, ReplicationMessageCodec.EncodeBody(entry.Kind, entry.Key, entry.Value, entry.Origin, entry.TraceParent, entry.Epoch, entry.ExpiresAt));

    public Task LeaveRestoreAsync(string node, CancellationToken cancellationToken) =>
        Guard(() => Database.ScriptEvaluateAsync(RestoreScripts.Leave, [_keys.RestoreMembers, _keys.RestoreMember(node)], [node], CommandFlags.DemandMaster));

    public async Task<string?> TryCompleteRestoreAsync(string epochId, CancellationToken cancellationToken)
    {
        // The script checks that the members are still these: one that joins meanwhile makes it answer nil, and the
        // next attempt reads them again.
        var members = await Guard(() => Database.SetMembersAsync(_keys.RestoreMembers, CommandFlags.DemandMaster)).ConfigureAwait(false);
        RedisKey[] keys =
        [
            _keys.Epoch, _keys.RestoreBarrier, _keys.RestoreMembers, _keys.Generation, _keys.EpochPrimary,
            .. members.Select(m => _keys.RestoreMember(m.ToString())),
        ];
        RedisValue[] arguments = [epochId, FenceArgument, .. members];
        var result = await Guard(() => Database.ScriptEvaluateAsync(RestoreScripts.TryComplete, keys, arguments, CommandFlags.DemandMaster)).ConfigureAwait(false);
        return result.IsNull ? null : result.ToString();
    }

    public void LookForPrimary()
    {
        _rediscovery.LookAgain();
        commits.LookForPrimary();
    }

    public Task InvalidateEpochAsync(string epoch, CancellationToken cancellationToken) =>
        Guard(() => Database.ScriptEvaluateAsync(RestoreScripts.Invalidate, [_keys.Epoch], [epoch], CommandFlags.DemandMaster));

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

    // The write is already durable when this runs: announcing it never fails or delays the write. Peers that miss
    // the message read the entry back from the log when they see the next version or the next heartbeat.
    public void Publish(long version, byte[] body) =>
        publisher.Publish(_keys.Changes, signer.Sign(ReplicationMessageCodec.EncodeMessage(version, body)));

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            _rediscovery.AfterFailure(exception);
            if (exception is RedisServerException { Message: var message }
                && (message.StartsWith("SERVERCHANGED", StringComparison.Ordinal) || message.StartsWith(WaitOnReplica, StringComparison.Ordinal)))
            {
                LookForPrimary();
            }

            throw new ReplicationUnavailableException("Redis is not reachable: " + exception.Message, exception, MayHaveReachedRedis(exception));
        }
    }

    // With the fail-fast backlog a call made while no connection is up fails at once, unsent; so does one that
    // timed out still waiting to be sent. Anything else (a timeout after sending, a connection that broke under
    // a call in flight) may have been executed by Redis.
    internal static bool MayHaveReachedRedis(Exception exception) => exception switch
    {
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection } => false,
        RedisTimeoutException { Commandstatus: CommandStatus.WaitingToBeSent } => false,
        // A primary that has too few replicas refuses a write before running it.
        RedisServerException server when server.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal) => false,
        _ => true,
    };

    // Connection loss, timeouts and a server that is starting or busy mean "try again later". So do the ways
    // StackExchange.Redis fails the calls in flight when it gives up a connection that stopped answering (a hung
    // primary): it cancels them (it takes no cancellation token from us), or they fail reading a pipe it has already
    // closed, or the socket's own reset comes through unwrapped (an IOException: ConnectionResetException when the
    // primary was killed with a commit in flight, answered 500 before). Any other server error (a broken script, say) is a bug and must surface as one, not as a 503.
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or TimeoutException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or IOException => true,
        RedisServerException server => TransientServerErrors.Any(prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal)),
        _ => false,
    };
}
