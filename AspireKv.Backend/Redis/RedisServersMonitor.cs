using AspireKv.Backend.Diagnostics;
using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// Asks the primary every <see cref="Interval"/> which replicas it has and how far behind they are, for
/// <see cref="RedisServersView"/>. Only a view for operators: nothing the backend decides depends on it.
/// </summary>
internal sealed class RedisServersMonitor(
    IConnectionMultiplexer redis, RedisServersView view, bool followsFailovers, TimeProvider time, ILogger<RedisServersMonitor> logger) : BackgroundService
{
    /// <summary>How often the primary is asked: as often as the cluster panel refreshes, near enough.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    // A plain script, not INFO itself: StackExchange.Redis sends INFO only on connections made with allowAdmin, and it
    // carries no shebang, so that Garnet runs it too (and a replica, which runs a script that writes nothing).
    internal const string ReadReplication = "return redis.call('INFO', 'replication')";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await ObserveAsync().WaitAsync(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or InvalidOperationException
                || (exception is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                // The view keeps its last observation; its time says how old it is.
                Log.RedisServersUnreadable(logger, exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task ObserveAsync()
    {
        var database = redis.GetDatabase();
        var primary = await database.IdentifyEndpointAsync(flags: CommandFlags.DemandMaster).ConfigureAwait(false);
        var info = (string?)await database.ScriptEvaluateAsync(ReadReplication, flags: CommandFlags.DemandMaster).ConfigureAwait(false);
        if (primary is null || info is null)
        {
            return;
        }

        var address = EndPointCollection.ToString(primary);
        if (ReplicationInfo.Parse(info) is { } replication)
        {
            view.Observe(address, replication.ReplicationId, followsFailovers, replication.Offset, replication.Replicas);
        }
        else
        {
            // The connection still takes a demoted server for the primary: every read it routes "to the primary" goes there.
            Log.PrimaryAnswersAsReplica(logger, address);
        }
    }
}
