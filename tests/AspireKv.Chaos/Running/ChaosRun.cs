using System.Diagnostics;
using System.Text.Json;
using AspireKv.Chaos.Checking;
using AspireKv.Chaos.Faults;
using AspireKv.Chaos.History;
using AspireKv.Chaos.Workload;

namespace AspireKv.Chaos.Running;

/// <summary>What a run found: its history, each check's result, the summary table and where the history was written.</summary>
public sealed record ChaosReport(ChaosHistory History, IReadOnlyList<CheckResult> Checks, string Summary, string? HistoryFile)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary>
/// One chaos run: starts the cluster as processes, lets the clients work through the balancer while the nemesis
/// injects the seeded faults, heals everything, reads the final state of every backend, and checks the history.
/// </summary>
public static class ChaosRun
{
    /// <param name="options">What to run.</param>
    /// <param name="log">Where progress goes.</param>
    /// <param name="cancellationToken">Ends the clients' work early (Ctrl+C); the faults are still healed, the
    /// history checked and every process stopped.</param>
    public static async Task<ChaosReport> RunAsync(ChaosOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var root = options.RepositoryRoot ?? Repository.Root;
        var configuration = options.Configuration ?? Repository.Configuration;
        var elapsed = Stopwatch.StartNew();
        await log.WriteLineAsync($"Starting {options.RedisName}, {options.Backends} backends and the balancer ({configuration} build)...").ConfigureAwait(false);
        // The processes' warnings and errors, kept with the history when a check fails.
        var logs = Directory.CreateDirectory(Path.Combine(options.OutputDirectory, $"logs-seed{options.Seed}-{DateTime.UtcNow:yyyyMMdd-HHmmss}")).FullName;
        await using var cluster = await ChaosCluster.StartAsync(root, configuration, options.Backends, logs, options.Redis, options.Replicated).ConfigureAwait(false);

        var keys = Enumerable.Range(0, options.Keys).Select(i => $"chaos-{options.Seed}-{i}").ToList();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients * 2 }) { Timeout = TimeSpan.FromSeconds(10) };
        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Secret);

        var clock = Stopwatch.StartNew();
        var recorder = new HistoryRecorder();
        var nemesis = new Nemesis(cluster, admin, clock, options.SlowLinkDelay, options.RecoveryTimeout);
        var remaining = options.Operations;
        bool Next() => clock.Elapsed < options.Duration && !cancellationToken.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0;

        await log.WriteLineAsync($"Running {options.Clients} clients for up to {options.Duration.TotalSeconds:0} s (seed {options.Seed})...").ConfigureAwait(false);
        using var stopFaults = new CancellationTokenSource();
        var faults = nemesis.RunAsync(FaultPlan.Create(options.Seed, [.. cluster.Backends.Select(b => b.Name)], options.MinFault, options.MaxFault, options.FaultKinds), stopFaults.Token);
        await Task.WhenAll(Enumerable.Range(1, options.Clients)
            .Select(id => Task.Run(() => new ChaosClient(id, http, cluster.Balancer.Address, keys, options.Seed, clock, recorder).RunAsync(Next)))).ConfigureAwait(false);
        await stopFaults.CancelAsync().ConfigureAwait(false);
        await faults.ConfigureAwait(false);

        await log.WriteLineAsync($"{recorder.Count} operations; healing and reading the final state...").ConfigureAwait(false);
        await cluster.HealAsync().ConfigureAwait(false);
        var final = await new FinalStateReader(admin, options.RecoveryTimeout).ReadAsync(cluster.Backends, keys).ConfigureAwait(false);
        var history = new ChaosHistory(options.Seed, recorder.Snapshot(), nemesis.Events, final, options.RedisName);

        var checks = Check(history, options, nemesis.Unrecovered);
        var summary = ChaosSummary.Format(history, checks, options, elapsed.Elapsed);
        var keep = !checks.All(c => c.Passed) || options.KeepHistory;
        var historyFile = keep ? await WriteHistoryAsync(history, options).ConfigureAwait(false) : null;
        await cluster.DisposeAsync().ConfigureAwait(false);
        if (!keep)
        {
            Directory.Delete(logs, recursive: true);
        }

        return new ChaosReport(history, checks, keep ? summary + $"process logs: {logs}\n" : summary, historyFile);
    }

    /// <summary>Checks a history written by an earlier run again, with the checkers of this build.</summary>
    public static async Task<ChaosReport> CheckFileAsync(string path, ChaosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ChaosHistory history;
        await using (var file = File.OpenRead(path))
        {
            history = await JsonSerializer.DeserializeAsync(file, HistoryJsonContext.Default.ChaosHistory).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{path} holds no history.");
        }

        var unrecovered = history.Faults.Where(f => f.RecoveredAt is null).Select(f => $"{f.Kind} of {f.Target} did not recover").ToList();
        var checks = Check(history, options, unrecovered);
        var elapsed = TimeSpan.FromMicroseconds(history.Operations.Count == 0 ? 0 : history.Operations.Max(o => o.CompletedAt));
        return new ChaosReport(history, checks, ChaosSummary.Format(history, checks, options with { Seed = history.Seed }, elapsed), path);
    }

    /// <summary>Every checker over the history, and whether the cluster recovered from every fault.</summary>
    public static IReadOnlyList<CheckResult> Check(ChaosHistory history, ChaosOptions options, IReadOnlyList<string> unrecovered)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(unrecovered);
        IHistoryChecker[] checkers =
        [
            new LostWriteChecker(),
            new SessionChecker(),
            new LinearizabilityChecker(),
            new ErrorWindowChecker(options.RecoveryGrace),
            new RecoveryChecker(unrecovered),
        ];
        return [.. checkers.Select(checker => checker.Check(history))];
    }

    private static async Task<string> WriteHistoryAsync(ChaosHistory history, ChaosOptions options)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var path = Path.Combine(options.OutputDirectory, $"history-seed{history.Seed}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, history, HistoryJsonContext.Default.ChaosHistory).ConfigureAwait(false);
        return path;
    }
}
