using AspireKv.Chaos.Running;

namespace AspireKv.Chaos.Tests;

/// <summary>
/// The short chaos run of CI: the whole system as processes, six clients for 45 s through the balancer, every kind
/// of fault once (seed 1), and every checker over the history. The long runs are documented commands (README).
/// </summary>
public sealed class ShortChaosRunTests
{
    [Fact]
    public async Task ShortRun_FixedSeed_EveryInvariantHolds()
    {
        var options = new ChaosOptions { Seed = 1, OutputDirectory = Path.Combine(AppContext.BaseDirectory, "chaos") };
        var report = await ChaosRun.RunAsync(options, TextWriter.Null, TestContext.Current.CancellationToken);

        TestContext.Current.AddAttachment("chaos-summary", report.Summary);
        Assert.True(report.Passed, report.Summary + (report.HistoryFile is null ? string.Empty : $"\nhistory: {report.HistoryFile}"));
        // Every kind of fault was injected, and the clients did real work around them.
        Assert.Equal(Enum.GetValues<Faults.FaultKind>().Length, report.History.Faults.Select(f => f.Kind).Distinct().Count());
        Assert.True(report.History.Operations.Count(o => o.Outcome == History.Outcome.Ok) > 1_000, report.Summary);
    }
}
