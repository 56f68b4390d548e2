using System.Diagnostics;
using System.Globalization;
using System.Net;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.Bench;

/// <summary>
/// Replication lag under a sustained write load. Starts redis-server and three backends; measures the maximum
/// write throughput (32 concurrent writers spread over the backends), then writes at half that rate for a fixed
/// time and, for one write in twenty, measures how long after its acknowledgement the other two backends serve it.
/// </summary>
internal sealed class LagBenchmark(string repositoryRoot, TimeSpan duration)
{
    public async Task<int> RunAsync()
    {
        await using var cluster = new ProcessCluster(repositoryRoot);
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

        await Cluster.WriteManyAsync(http, backends, prefix + "-warmup", 2_000, writers: 32);
        var (acknowledged, elapsed) = await Cluster.WriteManyAsync(http, backends, prefix + "-max", 20_000, writers: 32);
        var maximum = acknowledged / elapsed.TotalSeconds;
        var rate = maximum / 2;
        Console.WriteLine($"Maximum write throughput over three backends: {maximum:0} writes/s (32 writers). Now writing at {rate:0} writes/s for {duration.TotalSeconds:0} s.");

        var lags = new List<TimeSpan>();
        var interval = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            // Open loop: write i is due at i * interval, whether or not earlier writes have finished.
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
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
                await Task.WhenAll(backends.Where(b => b != writer).Select(b => WaitVisibleAsync(http, new Uri(b, KvRoutes.Key(key)), version)));
                lock (lags)
                {
                    lags.Add(Stopwatch.GetElapsedTime(acknowledgedAt));
                }
            }));
        }

        await Task.WhenAll(inFlight);
        Console.WriteLine($"Replication lag (acknowledgement to visible on the two other backends): {Percentiles.Describe(lags)}");
        return 0;
    }

    private static async Task WaitVisibleAsync(HttpClient http, Uri key, long version)
    {
        while (true)
        {
            using var response = await http.GetAsync(key);
            if (response.StatusCode == HttpStatusCode.OK
                && long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture) >= version)
            {
                return;
            }
        }
    }
}
