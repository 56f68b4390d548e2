using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.IntegrationTests;

/// <summary>
/// A snapshot saved from the running cluster and restored into a second, empty one (redis-server and three backends
/// started as processes): every backend of the second serves it.
/// </summary>
[Collection(GarnetCluster.Name)]
public sealed class SnapshotTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    private static readonly string[] TargetBackends = ["target-1", "target-2", "target-3"];

    private static string BuildConfiguration =>
        typeof(SnapshotTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value ?? "Debug";

    [Fact]
    public async Task Saved_RestoredIntoAnEmptyCluster_EveryBackendServesIt_AndACorruptFileOrASecondRestoreChangesNothing()
    {
        var written = await WriteKeysAsync(NewKey("snapshot"), count: 10);
        var expiring = NewKey("snapshot-expiring");
        await PutExpiringAsync("backend-1", expiring, 600);
        foreach (var (key, _) in written)
        {
            await WaitUntilEveryBackendHasAsync(key);
        }

        using var source = await Cluster.Client("backend-1").GetAsync(KvRoutes.Key(written[0].Key), Cancellation);
        var sourceVersion = source.Headers.ETag!.Tag;
        var file = await Cluster.Admin("backend-1").GetByteArrayAsync(KvRoutes.AdminSnapshot, Cancellation);

        await using var target = new ProcessCluster(ProcessCluster.FindRepositoryRoot(), BuildConfiguration);
        var redis = await target.StartRedisAsync();
        var backends = new List<ServiceProcess>();
        foreach (var name in TargetBackends)
        {
            backends.Add(await target.StartBackendAsync(name, redis.Port));
        }

        var clients = backends.Select(backend => Client(backend.Address, target.Secret)).ToList();
        try
        {
            var corrupt = (byte[])file.Clone();
            corrupt[file.Length / 2] ^= 1;
            using (var refused = await clients[0].PutAsync(KvRoutes.AdminSnapshot, new ByteArrayContent(corrupt), Cancellation))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }

            using var restoring = await clients[0].PutAsync(KvRoutes.AdminSnapshot, new ByteArrayContent(file), Cancellation);
            Assert.True(restoring.IsSuccessStatusCode, await restoring.Content.ReadAsStringAsync(Cancellation));
            var restored = (await restoring.Content.ReadFromJsonAsync(ContractsJsonContext.Default.SnapshotRestored, Cancellation))!;
            Assert.True(restored.KeptVersions);

            await Eventually.HoldsAsync("every target backend to hold the snapshot", RestartDeadline, async token =>
            {
                var digests = new List<StoreDigest>();
                foreach (var client in clients)
                {
                    digests.Add((await client.GetFromJsonAsync(KvRoutes.AdminDigest, ContractsJsonContext.Default.StoreDigest, token))!);
                }

                return digests.All(d => d.Keys == restored.Keys && d.AppliedVersion >= restored.Head) && digests.Select(d => d.Digest).Distinct().Count() == 1;
            }, Cancellation);
            foreach (var client in clients)
            {
                foreach (var (key, value) in written)
                {
                    Assert.Equal(value, await client.GetByteArrayAsync(KvRoutes.Key(key), Cancellation));
                }

                using var read = await client.GetAsync(KvRoutes.Key(written[0].Key), Cancellation);
                Assert.Equal(sourceVersion, read.Headers.ETag!.Tag);
                using var left = await client.GetAsync(KvRoutes.Key(expiring), Cancellation);
                Assert.InRange(double.Parse(left.Headers.GetValues(KvHeaders.ExpiresIn).Single(), CultureInfo.InvariantCulture), 1, 600.1);
            }

            using var again = await clients[1].PutAsync(KvRoutes.AdminSnapshot, new ByteArrayContent(file), Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }

    private static HttpClient Client(Uri address, string secret)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}
