using System.Diagnostics;
using AspireKv.Testing;

namespace AspireKv.Bench;

/// <summary>
/// How fast a backend catches up with writes it missed. Starts redis-server and two backends; backend B reaches
/// Redis through a proxy that is cut while <c>writes</c> writes go through backend A. Then measures (1) B
/// after the proxy is restored: reconnect plus catch-up from the recent log, and (2) a new, empty backend that
/// starts against the same Redis: process start plus loading the durable copy.
/// </summary>
internal sealed class CatchUpBenchmark(string repositoryRoot, int writes)
{
    public async Task<int> RunAsync()
    {
        await using var cluster = new ProcessCluster(repositoryRoot);
        var redisPort = (await cluster.StartRedisAsync()).Port;
        await using var proxy = new TcpFaultProxy(() => new Uri($"tcp://127.0.0.1:{redisPort}"));
        var a = (await cluster.StartBackendAsync("backend-a", redisPort)).Address;
        var b = (await cluster.StartBackendAsync("backend-b", proxy.Port)).Address;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Secret);

        proxy.Cut();
        var (acknowledged, elapsed) = await Cluster.WriteManyAsync(http, [a], $"catchup-{Guid.NewGuid():N}", writes, writers: 32);
        var head = (await Cluster.StatusAsync(http, a)).AppliedVersion;
        Console.WriteLine($"Wrote {acknowledged} of {writes} through backend A in {elapsed.TotalSeconds:0.0} s ({acknowledged / elapsed.TotalSeconds:0} writes/s, 32 writers) while backend B was cut off from Redis.");

        var resyncsBefore = (await Cluster.StatusAsync(http, b)).FullResyncs;
        var reconnect = Stopwatch.StartNew();
        proxy.Restore();
        var status = await WaitForVersionAsync(http, b, head);
        Console.WriteLine($"Backend B reconnected and applied all {head} versions {reconnect.Elapsed.TotalSeconds:0.00} s after the cut ended " +
            $"({(status.FullResyncs > resyncsBefore ? "by reloading the durable copy" : "from the recent log")}; includes StackExchange.Redis's reconnect delay).");

        var join = Stopwatch.StartNew();
        var c = (await cluster.StartBackendAsync("backend-c", redisPort)).Address;
        var ready = join.Elapsed;
        await WaitForVersionAsync(http, c, head);
        Console.WriteLine($"A new backend C started against the same Redis was ready (caught up) {ready.TotalSeconds:0.00} s after its process started, " +
            $"{(await Cluster.StatusAsync(http, c)).Keys} keys loaded.");
        return 0;
    }

    private static async Task<AspireKv.Contracts.NodeStatus> WaitForVersionAsync(HttpClient http, Uri backend, long version)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await Cluster.StatusAsync(http, backend);
            if (status.AppliedVersion >= version)
            {
                return status;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"{backend} stayed at version {status.AppliedVersion} of {version}.");
            }

            await Task.Delay(5);
        }
    }
}
