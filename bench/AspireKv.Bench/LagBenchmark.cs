using System.Diagnostics;
using System.Globalization;
using System.Net;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.Bench;

/// <summary>
/// Replication lag under a sustained write load. Starts redis-server and three backends; after 60,000 writes at full
/// speed (warm-up), measures the maximum write throughput (32 concurrent writers spread over the backends), then
/// writes at a share of that rate (half is the figure the README reports; other shares show how the lag depends on the load) and, for
/// one write in twenty, measures how long after its acknowledgement the other two backends serve it.
/// </summary>
/// <remarks>
/// The paced load runs twice: a warm-up of the same length whose figures are dropped, then the measured run. On
/// two cores the JIT's tier-up of the freshly started backends took a third of the CPU for the first seconds of
/// paced load (perf), so a run without the warm-up measured the JIT, not the steady state a sustained load means.
/// </remarks>
internal sealed class LagBenchmark(string repositoryRoot, TimeSpan duration, int percentOfMaximum, int preloadKeys)
{
    /// <summary>A write not visible on a backend after this long is reported as lost, instead of the run hanging.</summary>
    private static readonly TimeSpan VisibilityDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Writes at full speed before the maximum is measured.</summary>
    private const int WarmUpWrites = 60_000;

    public async Task<int> RunAsync()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentOfMaximum);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentOfMaximum, 100);
        await using var cluster = new ProcessCluster(repositoryRoot);
        // BACKEND_<NAME>=<value> reaches the backends as <NAME>=<value>, so that a runtime setting can be tried on
        // them without changing the benchmark client's own (e.g. BACKEND_DOTNET_GCgen0size=40000).
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith("BACKEND_", StringComparison.Ordinal))
            {
                cluster.BackendSettings[name["BACKEND_".Length..]] = (string)variable.Value!;
            }
        }

        var redisPort = (await cluster.StartRedisAsync()).Port;
        Uri[] backends =
        [
            (await cluster.StartBackendAsync("backend-1", redisPort)).Address,
            (await cluster.StartBackendAsync("backend-2", redisPort)).Address,
            (await cluster.StartBackendAsync("backend-3", redisPort)).Address,
        ];
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Secret);
        var prefix = $"lag-{Guid.NewGuid():N}";
        if (preloadKeys > 0)
        {
            // A store that already holds a data set: the collector's work can grow with what the heap holds.
            var (preloaded, preloadTime) = await Cluster.WriteManyAsync(http, backends, prefix + "-preload", preloadKeys, writers: 32);
            Console.WriteLine($"Preloaded {preloaded} keys (100-byte values) in {preloadTime.TotalSeconds:0.0} s.");
        }

        // The maximum must be the warmed-up one: after only 2,000 writes it measured about half of what the same
        // backends sustained once the JIT had finished tiering up, so "half the maximum" was a quarter of it.
        var (warmedUp, warmUpTime) = await Cluster.WriteManyAsync(http, backends, prefix + "-warmup", WarmUpWrites, writers: 32);
        Console.WriteLine($"Warm-up at full speed: {warmedUp / warmUpTime.TotalSeconds:0} writes/s over {WarmUpWrites} writes.");
        var (acknowledged, elapsed) = await Cluster.WriteManyAsync(http, backends, prefix + "-max", 40_000, writers: 32);
        var maximum = acknowledged / elapsed.TotalSeconds;
        var rate = maximum * percentOfMaximum / 100;
        Console.WriteLine($"Maximum write throughput over three backends: {maximum:0} writes/s (32 writers). Now writing at {rate:0} writes/s ({percentOfMaximum} % of it): {duration.TotalSeconds:0} s of warm-up, then {duration.TotalSeconds:0} s measured.");

        await RunPacedAsync(http, backends, prefix + "-paced-warmup", rate);
        var cpuBefore = MachineCpu.Read();
        var measured = await RunPacedAsync(http, backends, prefix + "-paced", rate);
        Console.WriteLine($"The machine's CPU during the measured run: {MachineCpu.BusyShareSince(cpuBefore)}");
        Console.WriteLine($"Replication lag (acknowledgement to visible on the two other backends): {Percentiles.Describe(measured.Lags)}");
        Console.WriteLine($"Round trip of the GET that found it (the measurement's own share of the lag): {Percentiles.Describe(measured.FinalReads)}");
        if (measured.NotVisible > 0)
        {
            Console.WriteLine($"{measured.NotVisible} acknowledged writes were not visible on every backend within {VisibilityDeadline.TotalSeconds:0} s.");
            return 1;
        }

        return 0;
    }

    private sealed record PacedRun(List<TimeSpan> Lags, List<TimeSpan> FinalReads, int NotVisible);

    private async Task<PacedRun> RunPacedAsync(HttpClient http, Uri[] backends, string prefix, double rate)
    {
        var lags = new List<TimeSpan>();
        var finalReads = new List<TimeSpan>();
        var notVisible = 0;
        var interval = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            // Open loop: write i is due at i * interval, whether or not earlier writes have finished.
            // The wait is computed once: a second reading of the clock can make it fall between -2 and -1 ms,
            // which Task.Delay truncates to -1, "infinite": a run hung there.
            var wait = (interval * i) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                var writer = backends[index % backends.Length];
                var key = $"{prefix}-{index}";
                var version = await Cluster.PutAsync(http, writer, key);
                if (index % 20 != 0 || version == 0)
                {
                    return;
                }

                var acknowledgedAt = Stopwatch.GetTimestamp();
                var reads = await Task.WhenAll(backends.Where(b => b != writer).Select(b => WaitVisibleAsync(http, new Uri(b, KvRoutes.Key(key)), version)));
                var lag = Stopwatch.GetElapsedTime(acknowledgedAt);
                lock (lags)
                {
                    if (reads.Any(read => read is null))
                    {
                        notVisible++;
                        return;
                    }

                    lags.Add(lag);
                    finalReads.Add(reads.Max(read => read!.Value));
                }
            }));
        }

        await Task.WhenAll(inFlight);
        return new PacedRun(lags, finalReads, notVisible);
    }

    /// <summary>Polls until the backend serves <paramref name="version"/> or newer; returns the round trip of that last GET, or null past the deadline.</summary>
    private static async Task<TimeSpan?> WaitVisibleAsync(HttpClient http, Uri key, long version)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < VisibilityDeadline)
        {
            var sentAt = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(key);
            if (response.StatusCode == HttpStatusCode.OK
                && long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture) >= version)
            {
                return Stopwatch.GetElapsedTime(sentAt);
            }
        }

        return null;
    }
}
