using System.Runtime.CompilerServices;
using AspireKv.Backend.Replication;

namespace AspireKv.Testing;

/// <summary>
/// <see cref="IReplicationLog"/> in memory, with the commit script's rules written out in C#. The contract tests
/// (<c>ReplicationLogContractTests</c>) run the same assertions against it and against Redis, so the two cannot
/// drift apart. Delivers published entries to the subscriber at once.
/// </summary>
internal sealed class InMemoryReplicationLog(int logLength = 100_000, TimeProvider? clock = null) : IReplicationLog
{
    // Redis's clock, which decides expiry.
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _durableCopy = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, byte[]> _recentLog = [];
    private readonly Dictionary<string, (CommitStatus Status, long Version, string Fingerprint)> _idempotency = new(StringComparer.Ordinal);
    private readonly HashSet<string> _restoreMembers = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _published = new();
    private Action<ReplicationEntry>? _subscriber;
    private long _sequence;
    // A cluster that already exists, so that backends on it need no restore to start.
    private long _generation = 1;
    private string? _epoch = Epochs.Format(1, "initial");

    public bool FollowsFailovers => false;

    /// <summary>
    /// When set, a commit is decided at once but answered only once this task completes: an answer
    /// that is late in flight, as the answer of a primary that hung past a failover and then resumed.
    /// </summary>
    public Task? AnswersHeldUntil { get; set; }

    public Task<CommitResult> CommitAsync(WriteRequest request, byte[] body, long highestKnownVersion, string? writerEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CommitResult result;
        lock (_lock)
        {
            result = Commit(request, body, highestKnownVersion, writerEpoch, out _);
        }

        return AnswersHeldUntil is { } held ? AnswerAsync(held, result) : Task.FromResult(result);
    }

    /// <summary>When set, reads of the cluster's state are answered only once this task completes (a Redis that does not answer).</summary>
    public Task? StateAnswersHeldUntil { get; set; }

    public Task<ClusterState> ReadStateAsync(CancellationToken cancellationToken)
    {
        if (StateAnswersHeldUntil is { } held)
        {
            return AnswerStateAsync(held);
        }

        lock (_lock)
        {
            return Task.FromResult(new ClusterState(_sequence, _epoch, Clock: Now()));
        }
    }

    public Task<long> ReadClockAsync(CancellationToken cancellationToken) => Task.FromResult(Now() * 1000);

    private async Task<ClusterState> AnswerStateAsync(Task held)
    {
        await held.ConfigureAwait(false);
        lock (_lock)
        {
            return new ClusterState(_sequence, _epoch, Clock: Now());
        }
    }

    public Task<IReadOnlyList<ReplicationEntry>> ReadRangeAsync(long fromVersion, long toVersion, int limit, string? server, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ReplicationEntry> entries =
            [
                .. _recentLog.Where(e => e.Key >= fromVersion && e.Key <= toVersion).Take(limit).Select(e => Decode(e.Value)),
            ];
            return Task.FromResult(entries);
        }
    }

    public async IAsyncEnumerable<ReplicationEntry> ReadDurableCopyAsync(string? server, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<byte[]> messages;
        lock (_lock)
        {
            messages = [.. _durableCopy.Values];
        }

        foreach (var message in messages)
        {
            await Task.Yield();
            yield return Decode(message);
        }
    }

    public Task SubscribeAsync(Action<ReplicationEntry> onEntry, Action onReconnected, CancellationToken cancellationToken)
    {
        _subscriber = onEntry;
        return Task.CompletedTask;
    }

    /// <summary>Delivers <paramref name="entry"/> to the subscriber as the channel would, without committing it (a late message of a demoted primary, say).</summary>
    public void Deliver(ReplicationEntry entry) => _subscriber?.Invoke(entry);

    public Task JoinRestoreAsync(string node, long knownGeneration, TimeSpan barrier, TimeSpan membershipTtl, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _restoreMembers.Add(node);
            _generation = Math.Max(_generation, knownGeneration);
        }

        return Task.CompletedTask;
    }

    public Task WriteBackAsync(IReadOnlyList<ReplicationEntry> entries, long highestSeenVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                if (!_durableCopy.TryGetValue(entry.Key, out var current) || VersionOf(current) < entry.Version)
                {
                    _durableCopy[entry.Key] = ReplicationMessageCodec.EncodeMessage(
                        entry.Version, ReplicationMessageCodec.EncodeBody(entry.Kind, entry.Key, entry.Value, entry.Origin, entry.TraceParent, entry.Epoch, entry.ExpiresAt));
                }
            }

            _sequence = Math.Max(_sequence, highestSeenVersion);
        }

        return Task.CompletedTask;
    }

    public Task<string?> SeedAsync(IReadOnlyList<ReplicationEntry> entries, long expectedHead, string expectedEpoch, long newHead, string epochId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            if (_sequence != expectedHead || _epoch != expectedEpoch)
            {
                return Task.FromResult<string?>(null);
            }

            foreach (var entry in entries)
            {
                _durableCopy[entry.Key] = ReplicationMessageCodec.EncodeMessage(
                    entry.Version, ReplicationMessageCodec.EncodeBody(entry.Kind, entry.Key, entry.Value, entry.Origin, entry.TraceParent, entry.Epoch, entry.ExpiresAt));
            }

            _recentLog.Clear();
            _sequence = newHead;
            _epoch = Epochs.Format(++_generation, epochId);
            return Task.FromResult<string?>(_epoch);
        }
    }

    public Task LeaveRestoreAsync(string node, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _restoreMembers.Remove(node);
        }

        return Task.CompletedTask;
    }

    public Task<string?> TryCompleteRestoreAsync(string epochId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_epoch is null && _restoreMembers.Count == 0)
            {
                _epoch = Epochs.Format(++_generation, epochId);
            }

            return Task.FromResult(_epoch);
        }
    }

    public void LookForPrimary()
    {
    }

    public Task InvalidateEpochAsync(string epoch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_epoch == epoch)
            {
                _epoch = null;
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<CommitResult> AnswerAsync(Task held, CommitResult result)
    {
        await held.ConfigureAwait(false);
        return result;
    }

    /// <summary>The versions published so far, in order.</summary>
    public IReadOnlyCollection<long> Published => _published;

    /// <summary>Delivers the committed entry to the subscriber at once, as the channel would.</summary>
    public void Publish(long version, byte[] body)
    {
        _published.Enqueue(version);
        _subscriber?.Invoke(Decode(ReplicationMessageCodec.EncodeMessage(version, body)));
    }

    /// <summary>Forgets everything, as Redis restarted empty.</summary>
    public void LoseEverything()
    {
        lock (_lock)
        {
            _durableCopy.Clear();
            _recentLog.Clear();
            _idempotency.Clear();
            _sequence = 0;
            _generation = 0;
            _epoch = null;
        }
    }

    private CommitResult Commit(WriteRequest request, byte[] body, long highestKnownVersion, string? writerEpoch, out ReplicationEntry? committed)
    {
        committed = null;
        if (_epoch is null)
        {
            return new CommitResult(CommitStatus.RecoveryNeeded, 0);
        }

        if (_epoch != writerEpoch)
        {
            return new CommitResult(CommitStatus.StaleEpoch, 0);
        }

        if (_sequence < highestKnownVersion)
        {
            return new CommitResult(CommitStatus.RecoveryNeeded, _sequence);
        }

        if (request.IdempotencyKey is { } idempotencyKey && _idempotency.TryGetValue(idempotencyKey, out var prior))
        {
            return prior.Fingerprint == IdempotencyFingerprint.Of(request)
                ? new CommitResult(prior.Status, prior.Version)
                : new CommitResult(CommitStatus.IdempotencyKeyReused, prior.Version);
        }

        var currentVersion = 0L;
        var live = false;
        if (_durableCopy.TryGetValue(request.Key, out var current))
        {
            var entry = Decode(current);
            currentVersion = entry.Version;
            live = entry.Kind == ChangeKind.Set;
        }

        var satisfied = request.Condition.Kind switch
        {
            WriteConditionKind.IfAbsent => !live,
            WriteConditionKind.IfPresent => live,
            WriteConditionKind.IfVersion => live && currentVersion == request.Condition.Version,
            _ => true,
        };
        if (!satisfied)
        {
            return Refuse(request, CommitStatus.PreconditionFailed, currentVersion);
        }

        if (request.Kind == ChangeKind.Delete && !live)
        {
            return Refuse(request, CommitStatus.NotFound, currentVersion);
        }

        if (request.Kind == ChangeKind.Expire && Now() < request.ExpiresAt)
        {
            return new CommitResult(CommitStatus.NotYetExpired, currentVersion);
        }

        var expiresAt = request.Kind == ChangeKind.Set && request.TimeToLiveMilliseconds > 0 ? Now() + request.TimeToLiveMilliseconds : 0;
        if (expiresAt > 0)
        {
            body = [.. body];
            ReplicationMessageCodec.SetExpiry(body, expiresAt);
        }

        var version = ++_sequence;
        var message = ReplicationMessageCodec.EncodeMessage(version, body);
        _durableCopy[request.Key] = message;
        _recentLog[version] = message;
        while (_recentLog.Count > logLength)
        {
            _recentLog.Remove(_recentLog.Keys.First());
        }

        if (request.IdempotencyKey is { } key)
        {
            _idempotency[key] = (CommitStatus.Replayed, version, IdempotencyFingerprint.Of(request));
        }

        committed = Decode(message);
        return new CommitResult(CommitStatus.Committed, version, expiresAt);
    }

    // As the commit script does: a refusal settles the write, so a retry with the same key gets it again.
    private CommitResult Refuse(WriteRequest request, CommitStatus status, long currentVersion)
    {
        if (request.IdempotencyKey is { } key)
        {
            _idempotency[key] = (status, currentVersion, IdempotencyFingerprint.Of(request));
        }

        return new CommitResult(status, currentVersion);
    }

    /// <summary>Redis's clock, as the commit script reads it with <c>TIME</c>.</summary>
    public long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static long VersionOf(byte[] message) =>
        ReplicationMessageCodec.TryReadVersion(message, out var version) ? version : 0;

    private static ReplicationEntry Decode(byte[] message) =>
        ReplicationMessageCodec.TryDecode(message, out var entry) ? entry : throw new InvalidOperationException("The log holds a malformed message.");
}
