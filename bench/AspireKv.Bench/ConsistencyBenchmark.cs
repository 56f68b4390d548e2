using System.Diagnostics;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.Bench;

/// <summary>
/// What each read consistency costs. Starts redis-server and two backends, writes 1,000 keys, then reads them
/// from one backend at each level, sequentially (latency) and with 16 concurrent readers (throughput). A
/// session read carries a token the backend has already applied, so it measures the check, not a wait.
/// </summary>
internal sealed class ConsistencyBenchmark(string repositoryRoot, int reads)
{
    public async Task<int> RunAsync()
    {
        await using var cluster = new ProcessCluster(repositoryRoot);
        var redisPort = (await cluster.StartRedisAsync()).Port;
        var backend = (await cluster.StartBackendAsync("backend-1", redisPort)).Address;
        await cluster.StartBackendAsync("backend-2", redisPort);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Secret);
        var prefix = $"consistency-{Guid.NewGuid():N}";
        await Cluster.WriteManyAsync(http, [backend], prefix, 1_000, writers: 16);
        var token = (await Cluster.StatusAsync(http, backend)).AppliedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

        (string Level, (string, string)? Header)[] levels =
        [
            ("local", null),
            ("session", (KvHeaders.MinVersion, token)),
            ("strong", (KvHeaders.Consistency, "strong")),
        ];
        foreach (var (level, header) in levels)
        {
            await ReadAsync(http, backend, prefix, header, 500, 1); // warm-up
            var latencies = await ReadAsync(http, backend, prefix, header, reads, 1);
            var clock = Stopwatch.StartNew();
            await ReadAsync(http, backend, prefix, header, reads * 4, 16);
            Console.WriteLine($"{level,-8} sequential: {Percentiles.Describe(latencies)}; 16 readers: {reads * 4 / clock.Elapsed.TotalSeconds:0} reads/s");
        }

        return 0;
    }

    private static async Task<List<TimeSpan>> ReadAsync(HttpClient http, Uri backend, string prefix, (string Name, string Value)? header, int count, int readers)
    {
        var latencies = new List<TimeSpan>(count);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, readers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(backend, KvRoutes.Key($"{prefix}-{i % 1_000}")));
                if (header is { } h)
                {
                    request.Headers.Add(h.Name, h.Value);
                }

                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                var elapsed = Stopwatch.GetElapsedTime(started);
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }
        }));
        return latencies;
    }
}
