using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AspireKv.Contracts;

namespace AspireKv.Bench;

/// <summary>
/// What clients of the balancer see when a backend is killed under load: concurrent readers go through the
/// balancer for a fixed time, and halfway through one backend is killed with SIGKILL (its process id comes
/// from its own status endpoint, so this must run on the same machine). Counts every answer that is not a
/// 200 and every request that failed outright, before and after the kill.
/// </summary>
internal sealed class FailoverBenchmark(Uri balancer, Uri victim, TimeSpan duration, int concurrency)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
        // The victim's status (its process id) is an admin endpoint: the AppHost's generated cluster secret, from
        // the dashboard's Parameters page, goes in ASPIREKV_CLUSTER_SECRET.
        if (Environment.GetEnvironmentVariable("ASPIREKV_CLUSTER_SECRET") is { Length: > 0 } secret)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        }

        var key = $"bench-failover-{Guid.NewGuid():N}";
        using (var put = await http.PutAsync(new Uri(balancer, KvRoutes.Key(key)), new ByteArrayContent(new byte[100]), cancellationToken))
        {
            put.EnsureSuccessStatusCode();
        }

        var status = await http.GetFromJsonAsync(new Uri(victim, KvRoutes.AdminStatus), ContractsJsonContext.Default.NodeStatus, cancellationToken)
            ?? throw new InvalidOperationException("The victim did not report its status.");
        var clock = Stopwatch.StartNew();
        var killAt = duration / 2;
        var killed = false;
        var results = new ResultCounter();
        var readers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var afterKill = Volatile.Read(ref killed);
                try
                {
                    using var response = await http.GetAsync(new Uri(balancer, KvRoutes.Key(key)), cancellationToken);
                    var servedBy = response.Headers.TryGetValues(KvHeaders.ServedBy, out var names) ? names.First() : "?";
                    results.Record(afterKill, response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode}", servedBy);
                }
                catch (HttpRequestException exception)
                {
                    results.Record(afterKill, exception.HttpRequestError.ToString(), null);
                }
            }
        }, cancellationToken)).ToList();

        await Task.Delay(killAt, cancellationToken);
        using (var process = Process.GetProcessById(status.ProcessId))
        {
            process.Kill();
        }

        Volatile.Write(ref killed, true);
        Console.WriteLine($"Killed {status.Name} (pid {status.ProcessId}) with SIGKILL at {clock.Elapsed.TotalSeconds:0.0} s");
        await Task.WhenAll(readers);

        results.Print(status.Name, duration, concurrency);
        return 0;
    }

    private sealed class ResultCounter
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<(bool AfterKill, string What), int> _counts = [];

        public void Record(bool afterKill, string? error, string? servedBy)
        {
            lock (_lock)
            {
                var what = error is null ? $"200 from {servedBy}" : $"error {error}";
                _counts[(afterKill, what)] = _counts.GetValueOrDefault((afterKill, what)) + 1;
            }
        }

        public void Print(string victim, TimeSpan duration, int concurrency)
        {
            var total = _counts.Values.Sum();
            var errors = _counts.Where(c => c.Key.What.StartsWith("error", StringComparison.Ordinal)).Sum(c => c.Value);
            Console.WriteLine($"{total} GETs through the balancer in {duration.TotalSeconds:0} s with {concurrency} concurrent clients; {errors} failed.");
            foreach (var ((afterKill, what), count) in _counts.OrderBy(c => c.Key.AfterKill).ThenBy(c => c.Key.What, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {(afterKill ? "after " : "before")} killing {victim}: {what}: {count}");
            }
        }
    }
}
