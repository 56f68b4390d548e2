using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using AspireKv.Chaos.History;
using AspireKv.Contracts;

namespace AspireKv.Chaos.Running;

/// <summary>
/// Reads what every backend holds once the faults are healed and the clients have stopped: waits (bounded) until
/// the backends report the same digest, then reads every key of the run from each backend directly. If they never
/// agree, it reads them anyway: the checkers then say where they differ.
/// </summary>
internal sealed class FinalStateReader(HttpClient admin, TimeSpan convergenceTimeout)
{
    public async Task<IReadOnlyList<ReplicaSnapshot>> ReadAsync(IReadOnlyList<ChaosBackend> backends, IReadOnlyList<string> keys)
    {
        var digests = await WaitForAgreementAsync(backends).ConfigureAwait(false);
        var snapshots = new List<ReplicaSnapshot>();
        foreach (var (backend, digest) in backends.Zip(digests))
        {
            var entries = new List<FinalEntry>();
            foreach (var key in keys)
            {
                entries.Add(await ReadEntryAsync(backend.Process.Address, key).ConfigureAwait(false));
            }

            snapshots.Add(new ReplicaSnapshot(backend.Name, digest.Digest, digest.AppliedVersion, entries));
        }

        return snapshots;
    }

    private async Task<IReadOnlyList<StoreDigest>> WaitForAgreementAsync(IReadOnlyList<ChaosBackend> backends)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var digests = new List<StoreDigest>();
            foreach (var backend in backends)
            {
                digests.Add(await DigestAsync(backend.Process.Address).ConfigureAwait(false));
            }

            if (digests.All(d => d == digests[0]) || clock.Elapsed > convergenceTimeout)
            {
                return digests;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private async Task<StoreDigest> DigestAsync(Uri backend)
    {
        try
        {
            return await admin.GetFromJsonAsync(new Uri(backend, KvRoutes.AdminDigest), ContractsJsonContext.Default.StoreDigest).ConfigureAwait(false)
                ?? new StoreDigest(0, 0, "no answer");
        }
        catch (HttpRequestException exception)
        {
            return new StoreDigest(0, 0, "unreachable: " + exception.Message);
        }
    }

    private async Task<FinalEntry> ReadEntryAsync(Uri backend, string key)
    {
        using var response = await admin.GetAsync(new Uri(backend, KvRoutes.Key(key))).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new FinalEntry(key, null, null);
        }

        response.EnsureSuccessStatusCode();
        var version = long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
        return new FinalEntry(key, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)), version);
    }
}
