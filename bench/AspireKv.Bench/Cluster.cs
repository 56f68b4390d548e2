using System.Globalization;
using System.Net.Http.Json;
using AspireKv.Contracts;

namespace AspireKv.Bench;

/// <summary>Small HTTP helpers the benchmarks share.</summary>
internal static class Cluster
{
    public static async Task<NodeStatus> StatusAsync(HttpClient http, Uri backend) =>
        (await http.GetFromJsonAsync(new Uri(backend, KvRoutes.AdminStatus), ContractsJsonContext.Default.NodeStatus))!;

    /// <summary>PUTs a 100-byte value; returns the version, or 0 if the write was not acknowledged.</summary>
    public static async Task<long> PutAsync(HttpClient http, Uri backend, string key)
    {
        using var response = await http.PutAsync(new Uri(backend, KvRoutes.Key(key)), new ByteArrayContent(new byte[100]));
        return response.IsSuccessStatusCode && response.Headers.ETag is { } tag
            ? long.Parse(tag.Tag.Trim('"'), CultureInfo.InvariantCulture)
            : 0;
    }

    /// <summary>Runs <paramref name="writers"/> concurrent writers until <paramref name="total"/> writes are done.</summary>
    public static async Task<(int Acknowledged, TimeSpan Elapsed)> WriteManyAsync(HttpClient http, IReadOnlyList<Uri> targets, string prefix, int total, int writers)
    {
        var next = -1;
        var acknowledged = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                if (await PutAsync(http, targets[i % targets.Count], $"{prefix}-{i}") > 0)
                {
                    Interlocked.Increment(ref acknowledged);
                }
            }
        }));
        return (acknowledged, clock.Elapsed);
    }
}
