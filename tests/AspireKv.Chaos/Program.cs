using System.CommandLine;
using AspireKv.Chaos.Faults;
using AspireKv.Chaos.Running;
using AspireKv.Testing;

// The chaos runner: starts AspireKv as processes, drives concurrent clients through the balancer while injecting
// seeded faults, and checks the recorded history. Exit code 0 when every invariant held, 1 when one did not.
var seed = new Option<int>("--seed") { Description = "Seeds the faults and the clients' choices.", DefaultValueFactory = _ => 1 };
var seconds = new Option<int?>("--seconds") { Description = "How long the clients work (default 45 s; with --ops alone, up to an hour)." };
var minutes = new Option<int?>("--minutes") { Description = "How long the clients work, in minutes (overrides --seconds)." };
var ops = new Option<int?>("--ops") { Description = "Stop after this many operations (and at the latest after the time)." };
var clients = new Option<int>("--clients") { Description = "Concurrent clients.", DefaultValueFactory = _ => 6 };
var keys = new Option<int>("--keys") { Description = "Size of the key space.", DefaultValueFactory = _ => 10 };
var output = new Option<string?>("--output") { Description = "Where the summary and the history go." };
var keepHistory = new Option<bool>("--keep-history") { Description = "Write the history even when every check passes." };
var redis = new Option<string>("--redis") { Description = "The Redis server: redis-server or garnet.", DefaultValueFactory = _ => "redis-server" };
redis.AcceptOnlyFromAmong([.. Enum.GetValues<RedisServerKind>().Select(kind => kind.DisplayName())]);
var topology = new Option<string>("--topology") { Description = "single, or replicated: a primary, two replicas and three Sentinels (redis-server only).", DefaultValueFactory = _ => "single" };
topology.AcceptOnlyFromAmong("single", "replicated");
var faults = new Option<string?>("--faults") { Description = "Only these kinds of fault, comma-separated (e.g. KillPrimary,KillBackend); every kind of the topology by default." };
faults.Validators.Add(result =>
{
    var unknown = (result.GetValueOrDefault<string?>() ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Where(name => !Enum.TryParse<FaultKind>(name, ignoreCase: true, out _)).ToList();
    if (unknown.Count > 0)
    {
        result.AddError($"Unknown fault kinds: {string.Join(", ", unknown)}. Known: {string.Join(", ", Enum.GetNames<FaultKind>())}.");
    }
});
var check = new Option<FileInfo?>("--check") { Description = "Check a history file written by an earlier run instead of running (no processes are started)." };

var root = new RootCommand("AspireKv's chaos runner: real processes, concurrent clients, seeded faults, checked histories.")
{
    seed, seconds, minutes, ops, clients, keys, redis, topology, faults, output, keepHistory, check,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var defaults = new ChaosOptions();
    var options = defaults with
    {
        Seed = parse.GetValue(seed),
        Duration = (parse.GetValue(minutes), parse.GetValue(seconds), parse.GetValue(ops)) switch
        {
            ({ } m, _, _) => TimeSpan.FromMinutes(m),
            (null, { } s, _) => TimeSpan.FromSeconds(s),
            (null, null, not null) => TimeSpan.FromHours(1),
            _ => defaults.Duration,
        },
        Operations = parse.GetValue(ops) ?? int.MaxValue,
        Clients = parse.GetValue(clients),
        Keys = parse.GetValue(keys),
        Redis = RedisServerKindExtensions.Parse(parse.GetValue(redis)!),
        Replicated = parse.GetValue(topology) == "replicated",
        OutputDirectory = parse.GetValue(output) ?? defaults.OutputDirectory,
        KeepHistory = parse.GetValue(keepHistory),
        Faults = parse.GetValue(faults) is { } names
            ? [.. names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(name => Enum.Parse<FaultKind>(name, ignoreCase: true))]
            : null,
    };
    if (options.FaultKinds.Except(FaultKindExtensions.Of(options.Replicated)).ToList() is [_, ..] foreign)
    {
        Console.Error.WriteLine($"Not a fault of the {(options.Replicated ? "replicated" : "single")} topology: {string.Join(", ", foreign)}.");
        return 2;
    }

    var report = parse.GetValue(check) is { } file
        ? await ChaosRun.CheckFileAsync(file.FullName, options)
        : await ChaosRun.RunAsync(options, Console.Out, cancellationToken);
    Console.WriteLine();
    Console.Write(report.Summary);
    if (report.HistoryFile is not null)
    {
        Console.WriteLine($"history: {report.HistoryFile}");
    }

    return report.Passed ? 0 : 1;
});
// Ctrl+C or SIGTERM ends the clients' work; the run still heals, checks and stops every process it started.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) });
