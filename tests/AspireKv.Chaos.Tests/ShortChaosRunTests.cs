using AspireKv.Chaos.Running;
using AspireKv.Testing;

namespace AspireKv.Chaos.Tests;

/// <summary>
/// The short chaos runs of CI, one on each Redis server the product ships: the whole system as processes, six clients
/// through the balancer, every kind of fault of the topology once (seed 1), and every checker over the history. Garnet
/// recovers more slowly from its restarts (it replays its log), so its run is longer, or the first round of faults would
/// not end in time on a loaded CI machine. The replicated topology's run kills the primary (each time a failover and
/// the restore after it), nothing else: with every fault of that topology it does not pass reliably yet
/// (docs/performance.md), and that run, like the long ones, is a documented command (README).
/// </summary>
public sealed class ShortChaosRunTests
{
    [Theory]
    [InlineData(RedisServerKind.RedisServer, false, 45)]
    [InlineData(RedisServerKind.Garnet, false, 90)]
    [InlineData(RedisServerKind.RedisServer, true, 40)]
    public async Task ShortRun_FixedSeed_EveryInvariantHolds(RedisServerKind redis, bool replicated, int seconds)
    {
        var options = new ChaosOptions
        {
            Seed = 1,
            Redis = redis,
            Replicated = replicated,
            Faults = replicated ? [Faults.FaultKind.KillPrimary] : null,
            Duration = TimeSpan.FromSeconds(seconds),
            OutputDirectory = Path.Combine(AppContext.BaseDirectory, "chaos"),
        };
        var report = await ChaosRun.RunAsync(options, TextWriter.Null, TestContext.Current.CancellationToken);

        TestContext.Current.AddAttachment($"chaos-summary-{options.RedisName}", report.Summary);
        Assert.True(report.Passed, report.Summary + (report.HistoryFile is null ? string.Empty : $"\nhistory: {report.HistoryFile}"));
        // Every kind of fault asked for was injected, and the clients did real work around them.
        Assert.Equal(
            options.FaultKinds.Select(kind => kind.ToString()).Order(),
            report.History.Faults.Select(f => f.Kind).Distinct().Order());
        Assert.True(report.History.Operations.Count(o => o.Outcome == History.Outcome.Ok) > 1_000, report.Summary);
    }
}
