using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Expiry;

/// <summary>Reads Redis's clock every <see cref="Interval"/> and feeds <see cref="RedisClock"/>. Only moves the reading.</summary>
internal sealed class RedisClockSampler(IReplicationLog log, RedisClock clock, TimeProvider time, ILogger<RedisClockSampler> logger) : BackgroundService
{
    /// <summary>How often the clock is read: often enough that one missed reading leaves the estimate fresh (<see cref="RedisClock.FreshFor"/>).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var sent = time.GetTimestamp();
                var redisTime = await log.ReadClockAsync(stoppingToken).WaitAsync(Interval, time, stoppingToken).ConfigureAwait(false);
                clock.Observe(sent, time.GetTimestamp(), redisTime);
            }
            catch (Exception exception) when (exception is ReplicationUnavailableException or TimeoutException)
            {
                // The estimate ages, and readers say so once it is no longer fresh.
                Log.ClockUnreadable(logger, exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
