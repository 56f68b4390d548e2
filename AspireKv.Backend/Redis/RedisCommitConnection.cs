using System.Diagnostics;
using System.Threading.Channels;
using AspireKv.Backend.Diagnostics;
using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// The connection commits run on: commit scripts are sent together with a <c>WAIT</c> for the replicas, as one batch,
/// so that they go out back to back on the same connection. <c>WAIT</c> counts only the writes made on its own
/// connection, so a <c>WAIT</c> anywhere else, or on a connection made again after a failure, would prove nothing.
/// It also blocks its connection until it returns, so commits that wait have a connection of their own, apart from
/// reads and subscriptions. One, not several: each more connection through Sentinel added seconds to how long a
/// backend took to find a newly promoted primary. So commits are grouped: the commits that arrive while a group's
/// <c>WAIT</c> is out are sent next as one group, up to <see cref="MaxGroup"/>, followed by one <c>WAIT</c> that
/// answers for all of them (each script still runs, and answers, on its own). One commit at a time waited for its
/// replicas one after another, which capped writes at about 2,000 a second on two cores. Commits that wait for no
/// replica (a single Redis) stay on the shared connection, the one the backend's readiness already depends on.
/// </summary>
internal sealed class RedisCommitConnection : IAsyncDisposable
{
    /// <summary>
    /// The most commits sent before one <c>WAIT</c>. Each script runs alone on the server, so a group holds other
    /// clients back for its whole length: 64 commits of a few dozen microseconds each is about a millisecond or two.
    /// </summary>
    public const int MaxGroup = 64;

    private readonly Task<IConnectionMultiplexer> _connection;
    private readonly bool _ownsConnection;
    private readonly Channel<PendingCommit> _pending = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _sender;
    private PrimaryRediscovery? _rediscovery;
    private readonly long _ackTimeoutMilliseconds;

    /// <param name="shared">The backend's shared connection, used when no replica is waited for.</param>
    /// <param name="configuration">The backend's Redis settings.</param>
    /// <param name="requiredAcks">Replicas each commit waits for; 0 sends no <c>WAIT</c>.</param>
    /// <param name="ackTimeout">How long a <c>WAIT</c> may take.</param>
    /// <param name="followsFailovers">Redis is a primary with replicas under Sentinel, whose promotions the commits fence.</param>
    public RedisCommitConnection(IConnectionMultiplexer shared, ConfigurationOptions configuration, int requiredAcks, TimeSpan ackTimeout, bool followsFailovers)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RequiredAcks = requiredAcks;
        FollowsFailovers = followsFailovers;
        _ackTimeoutMilliseconds = (long)ackTimeout.TotalMilliseconds;
        _ownsConnection = requiredAcks > 0;
        _sender = new Lazy<Task>(() => Task.Run(SendGroupsAsync));
        if (!_ownsConnection)
        {
            _connection = Task.FromResult(shared);
            return;
        }

        var options = configuration.Clone();
        options.ClientName = (options.ClientName ?? "aspirekv") + "-commit";
        // Retried often, not with the default growing back-off: while this connection is down, no write is accepted.
        options.ReconnectRetryPolicy = new LinearRetry(250);
        _connection = ConnectAsync(options);
    }

    /// <summary>Replicas each commit waits for.</summary>
    public int RequiredAcks { get; }

    /// <summary>Redis is a primary with replicas under Sentinel: a commit checks that no replica was promoted since the epoch began.</summary>
    public bool FollowsFailovers { get; }

    /// <summary>
    /// Runs <paramref name="script"/> on the primary, then waits for <see cref="RequiredAcks"/> replicas. Returns the
    /// script's answer and how many replicas have every write of this connection so far (0 when none are waited for).
    /// </summary>
    public async Task<(RedisResult Result, long Acknowledgements)> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] arguments)
    {
        var connection = await _connection.ConfigureAwait(false);
        if (RequiredAcks == 0)
        {
            return (await connection.GetDatabase().ScriptEvaluateAsync(script, keys, arguments, CommandFlags.DemandMaster).ConfigureAwait(false), 0);
        }

        _rediscovery ??= new PrimaryRediscovery(connection);
        var commit = new PendingCommit(script, keys, arguments);
        ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(commit), this);

        _ = _sender.Value;
        try
        {
            var result = await commit.Answered.Task.ConfigureAwait(false);

            // The script has run; from here the primary waits for its replicas, and the write's trace shows how long.
            using var waiting = BackendTelemetry.Source.StartActivity(BackendTelemetry.ReplicaWaitSpan, ActivityKind.Client);
            waiting?.SetTag(BackendTelemetry.ReplicasRequiredTag, RequiredAcks);
            var (acknowledgements, group) = await commit.Confirmed.Task.ConfigureAwait(false);
            waiting?.SetTag(BackendTelemetry.ReplicasAcknowledgedTag, acknowledgements);
            waiting?.SetTag(BackendTelemetry.CommitGroupTag, group);
            return (result, acknowledgements);
        }
        catch (RedisException exception)
        {
            _rediscovery.AfterFailure(exception);
            throw;
        }
    }

    /// <summary>Makes the commit connection look for the primary again (a demoted one still answers as primary).</summary>
    public void LookForPrimary() => _rediscovery?.LookAgain();

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        if (_sender.IsValueCreated)
        {
            await _sender.Value.ConfigureAwait(false);
        }

        if (_ownsConnection)
        {
            await (await _connection.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends what is waiting as one group and one <c>WAIT</c>, and the next group only once that <c>WAIT</c> has
    /// returned: commits sent behind it would only queue on the blocked connection, while held here they join the
    /// next group.
    /// </summary>
    private async Task SendGroupsAsync()
    {
        var database = (await _connection.ConfigureAwait(false)).GetDatabase();
        var group = new List<PendingCommit>(MaxGroup);
        var answers = new List<Task<RedisResult>>(MaxGroup);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            answers.Clear();
            while (group.Count < MaxGroup && _pending.Reader.TryRead(out var next))
            {
                group.Add(next);
            }

            Task<RedisResult> wait;
            try
            {
                var batch = database.CreateBatch();
                foreach (var commit in group)
                {
                    answers.Add(batch.ScriptEvaluateAsync(commit.Script, commit.Keys, commit.Arguments, CommandFlags.DemandMaster));
                }

                wait = batch.ExecuteAsync("WAIT", [RequiredAcks, _ackTimeoutMilliseconds], CommandFlags.DemandMaster);
                batch.Execute();
            }
            catch (Exception exception)
            {
                foreach (var commit in group)
                {
                    commit.Answered.TrySetException(exception);
                }

                continue;
            }

            var answered = new List<PendingCommit>(group.Count);
            for (var i = 0; i < group.Count; i++)
            {
                try
                {
                    group[i].Answered.TrySetResult(await answers[i].ConfigureAwait(false));
                    answered.Add(group[i]);
                }
                catch (Exception exception)
                {
                    // The script's failure is the one that counts for this commit; its wait is not reported.
                    group[i].Answered.TrySetException(exception);
                }
            }

            try
            {
                var acknowledgements = (long)await wait.ConfigureAwait(false);
                foreach (var commit in answered)
                {
                    commit.Confirmed.TrySetResult((acknowledgements, group.Count));
                }
            }
            catch (Exception exception)
            {
                foreach (var commit in answered)
                {
                    commit.Confirmed.TrySetException(exception);
                }
            }
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions options) =>
        await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);

    /// <summary>A commit waiting for its group: the script's answer, then the group's <c>WAIT</c> (replicas, group size).</summary>
    private sealed class PendingCommit(string script, RedisKey[] keys, RedisValue[] arguments)
    {
        public string Script { get; } = script;

        public RedisKey[] Keys { get; } = keys;

        public RedisValue[] Arguments { get; } = arguments;

        public TaskCompletionSource<RedisResult> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<(long Acknowledgements, int Group)> Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
