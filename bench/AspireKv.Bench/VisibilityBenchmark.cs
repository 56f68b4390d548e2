using System.Diagnostics;
using System.Globalization;
using System.Net;
using AspireKv.Contracts;

namespace AspireKv.Bench;

/// <summary>
/// How long after a write is acknowledged by the balancer it can be read from every backend directly.
/// Each write goes through the balancer; then every backend is polled without pause until it answers
/// with the write's version (or a newer one).
/// </summary>
internal sealed class VisibilityBenchmark(Uri balancer, IReadOnlyList<Uri> backends, int writes)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var untilAll = new List<TimeSpan>(writes);
        var perBackend = backends.ToDictionary(b => b, _ => new List<TimeSpan>(writes));
        var prefix = $"bench-visibility-{Guid.NewGuid():N}";
        for (var i = 0; i < writes; i++)
        {
            var key = $"{prefix}-{i % 100}";
            using var put = await http.PutAsync(new Uri(balancer, KvRoutes.Key(key)), new ByteArrayContent(new byte[100]), cancellationToken);
            var acknowledged = Stopwatch.GetTimestamp();
            if (put.StatusCode != HttpStatusCode.NoContent || put.Headers.ETag is null)
            {
                Console.Error.WriteLine($"PUT {key} answered {(int)put.StatusCode}");
                return 1;
            }

            var version = long.Parse(put.Headers.ETag.Tag.Trim('"'), CultureInfo.InvariantCulture);
            var visible = await Task.WhenAll(backends.Select(async backend =>
            {
                await WaitForVersionAsync(http, new Uri(backend, KvRoutes.Key(key)), version, cancellationToken);
                return (backend, Stopwatch.GetElapsedTime(acknowledged));
            }));
            foreach (var (backend, elapsed) in visible)
            {
                perBackend[backend].Add(elapsed);
            }

            untilAll.Add(visible.Max(v => v.Item2));
        }

        Console.WriteLine($"Writes through {balancer}, visible on all {backends.Count} backends after the acknowledgement:");
        Console.WriteLine($"  all backends: {Percentiles.Describe(untilAll)}");
        foreach (var (backend, samples) in perBackend)
        {
            Console.WriteLine($"  {backend}: {Percentiles.Describe(samples)}");
        }

        return 0;
    }

    private static async Task WaitForVersionAsync(HttpClient http, Uri key, long version, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await http.GetAsync(key, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK
                && long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture) >= version)
            {
                return;
            }
        }
    }
}
