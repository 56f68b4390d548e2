using System.Globalization;
using System.Text;
using AspireKv.Testing;

namespace AspireKv.Bench;

/// <summary>
/// Backend memory per stored key: writes <c>keys</c> 100-byte values through one backend, then compares its
/// resident memory with that of an empty backend started the same way (same Redis, its own key prefix). The
/// difference counts everything the keys cost the process: the store's entries, the GC's headroom and garbage
/// not yet collected, so it is an upper bound of what the store itself holds.
/// </summary>
internal sealed class MemoryBenchmark(string repositoryRoot, int keys)
{
    private const int ValueBytes = 100;

    public async Task<int> RunAsync()
    {
        await using var cluster = new ProcessCluster(repositoryRoot);
        var redisPort = (await cluster.StartRedisAsync()).Port;
        var filled = await cluster.StartBackendAsync("backend-filled", redisPort);
        cluster.BackendSettings["Replication:KeyPrefix"] = "memory-empty";
        var empty = await cluster.StartBackendAsync("backend-empty", redisPort);
        cluster.BackendSettings.Remove("Replication:KeyPrefix");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Secret);
        const string prefix = "m";
        var (acknowledged, elapsed) = await Cluster.WriteManyAsync(http, [filled.Address], prefix, keys, writers: 32);
        var status = await Cluster.StatusAsync(http, filled.Address);

        var rawBytes = 0L;
        for (var i = 0; i < keys; i++)
        {
            rawBytes += Encoding.UTF8.GetByteCount(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}")) + ValueBytes;
        }

        var filledBytes = ResidentBytes(filled.ProcessId);
        var emptyBytes = ResidentBytes(empty.ProcessId);
        var perKey = (double)(filledBytes - emptyBytes) / status.Keys;
        var rawPerKey = (double)rawBytes / keys;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {acknowledged} of {keys} keys ({ValueBytes}-byte values) in {elapsed.TotalSeconds:0.0} s; the backend holds {status.Keys} keys."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Resident memory: {filledBytes / 1e6:0.0} MB with the keys, {emptyBytes / 1e6:0.0} MB empty: {perKey:0} bytes per key, "
            + $"{perKey / rawPerKey:0.00}x the raw data ({rawPerKey:0.0} bytes of key and value per key)."));
        return 0;
    }

    private static long ResidentBytes(int processId)
    {
        // VmRSS in /proc/<pid>/status, in kB.
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
