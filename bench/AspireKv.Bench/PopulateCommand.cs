using AspireKv.Contracts;

namespace AspireKv.Bench;

/// <summary>Writes the keys the wrk runs read: <c>bench-0</c> … <c>bench-(count-1)</c>, 100 bytes each.</summary>
internal static class PopulateCommand
{
    public static async Task<int> RunAsync(Uri backend, int count)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 });
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var response = await http.PutAsync(new Uri(backend, KvRoutes.Key($"bench-{i}")), new ByteArrayContent(new byte[100]));
                response.EnsureSuccessStatusCode();
            }
        }));
        Console.WriteLine($"Wrote {count} keys through {backend}.");
        return 0;
    }
}
