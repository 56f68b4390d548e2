using System.Diagnostics;
using AspireKv.Backend.Diagnostics;
using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// The connections commits run on: each commit script is sent together with a <c>WAIT</c> for the replicas, as one
/// batch, so that both go out back to back on the same connection. <c>WAIT</c> counts only the writes made on its own
/// connection, so a <c>WAIT</c> anywhere else, or on a connection made again after a failure, would prove nothing.
/// It also blocks its connection until it returns, so commits that wait have a connection of their own, apart from
/// reads and subscriptions. One, not several: commits then wait for replicas one after another (about 2,000 a second
/// on this machine), and each more connection through Sentinel added seconds to how long a backend took to find a
/// newly promoted primary. Commits that wait for no replica (a single Redis) stay on the shared connection, the one
/// the backend's readiness already depends on.
/// </summary>
internal sealed class RedisCommitConnection : IAsyncDisposable
{
    private readonly Task<IConnectionMultiplexer> _connection;
    private readonly bool _ownsConnection;
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
        var database = connection.GetDatabase();
        if (RequiredAcks == 0)
        {
            return (await database.ScriptEvaluateAsync(script, keys, arguments, CommandFlags.DemandMaster).ConfigureAwait(false), 0);
        }

        _rediscovery ??= new PrimaryRediscovery(connection);
        try
        {
            var batch = database.CreateBatch();
            var commit = batch.ScriptEvaluateAsync(script, keys, arguments, CommandFlags.DemandMaster);
            var wait = batch.ExecuteAsync("WAIT", [RequiredAcks, _ackTimeoutMilliseconds], CommandFlags.DemandMaster);
            batch.Execute();
            RedisResult result;
            try
            {
                result = await commit.ConfigureAwait(false);
            }
            catch
            {
                // The script's failure is the one that counts; the wait's own outcome is observed, not reported.
                _ = wait.ContinueWith(static failed => failed.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }

            // The script has run; from here the primary waits for its replicas, and the write's trace shows how long.
            using var waiting = BackendTelemetry.Source.StartActivity(BackendTelemetry.ReplicaWaitSpan, ActivityKind.Client);
            waiting?.SetTag(BackendTelemetry.ReplicasRequiredTag, RequiredAcks);
            var acknowledgements = (long)await wait.ConfigureAwait(false);
            waiting?.SetTag(BackendTelemetry.ReplicasAcknowledgedTag, acknowledgements);
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
        if (_ownsConnection)
        {
            await (await _connection.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions options) =>
        await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
}
