using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using AspireKv.Contracts;

namespace AspireKv.IntegrationTests;

/// <summary>
/// The fault commands of the dashboard, run through the resource command service as a person would click them:
/// each injects its fault, and the cluster reacts as the failure model says.
/// </summary>
[Collection(GarnetCluster.Name)]
public sealed class DashboardCommandTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    [Fact]
    public async Task CutOffAndReconnect_TheBackendMissesWritesThenCatchesUp()
    {
        const string backend = "backend-2";
        var key = await PrepareKeyOnEveryBackendAsync(nameof(CutOffAndReconnect_TheBackendMissesWritesThenCatchesUp));
        List<(string Key, byte[] Value)> written;
        try
        {
            await Cluster.Resources.ExecuteCommandAsync(backend, "cut-off-redis", Cancellation);
            await Eventually.HoldsAsync($"{backend}'s reads to be marked possibly stale", ReplicationDeadline, async token =>
            {
                using var read = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
                return read.StatusCode == HttpStatusCode.OK && read.Headers.Contains(KvHeaders.PossiblyStale);
            }, Cancellation);

            using (var refused = await Cluster.Client(backend).PutAsync(KvRoutes.Key($"{key}-refused"), new ByteArrayContent([1]), Cancellation))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }

            written = [];
            for (var i = 0; i < 5; i++)
            {
                using var write = await Cluster.Client("backend-1").PutAsync(KvRoutes.Key($"{key}-{i}"), new ByteArrayContent([(byte)i]), Cancellation);
                Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
                written.Add(($"{key}-{i}", [(byte)i]));
            }

            using var missing = await Cluster.Client(backend).GetAsync(KvRoutes.Key(written[^1].Key), Cancellation);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            await Cluster.Resources.ExecuteCommandAsync(backend, "reconnect-redis", Cancellation);
        }

        await AssertConvergedWithAllWritesAsync(written);
    }

    [Fact]
    public async Task HangAndResume_TheBalancerTakesTheBackendOutAndBack()
    {
        const string backend = "backend-1";
        try
        {
            await Cluster.Resources.ExecuteCommandAsync(backend, "hang", Cancellation);
            await Eventually.HoldsAsync($"the balancer to take the hung {backend} out", RestartDeadline, async token =>
                (await RegistryEntryAsync(backend, token))?.ActiveHealth == "Unhealthy", Cancellation);
        }
        finally
        {
            await Cluster.Resources.ExecuteCommandAsync(backend, "resume", Cancellation);
        }

        await Eventually.HoldsAsync($"the balancer to take {backend} back", RestartDeadline, async token =>
            (await RegistryEntryAsync(backend, token))?.ActiveHealth == "Healthy", Cancellation);
    }

    [Fact]
    public async Task Crash_KillsTheBackendAndStartBringsItBack()
    {
        const string backend = "backend-3";

        await Cluster.Resources.ExecuteCommandAsync(backend, "crash", Cancellation);
        await Cluster.Resources.WaitUntilStoppedAsync(backend, Cancellation);
        await Cluster.Resources.ExecuteCommandAsync(backend, KnownResourceCommands.StartCommand, Cancellation);
        await WaitHealthyAsync(backend);
    }

    [Fact]
    public async Task RestartEmpty_RedisLosesEverythingAndTheBackendsRestoreIt()
    {
        var written = await WriteKeysAsync(NewKey(nameof(RestartEmpty_RedisLosesEverythingAndTheBackendsRestoreIt)), count: 10);
        foreach (var (key, _) in written)
        {
            await WaitUntilEveryBackendHasAsync(key);
        }

        await Cluster.Resources.ExecuteCommandAsync(Cluster.RedisServerResource, "restart-empty", Cancellation);
        await WaitHealthyAsync(Cluster.RedisServerResource);
        await Eventually.HoldsAsync("writes to be accepted again", RestartDeadline, async token =>
        {
            using var response = await Cluster.Balancer.PutAsync(KvRoutes.Key(NewKey("after")), new ByteArrayContent([1]), token);
            return response.StatusCode == HttpStatusCode.NoContent;
        }, Cancellation);

        await AssertConvergedWithAllWritesAsync(written);
    }

    private async Task<RegisteredBackend?> RegistryEntryAsync(string name, CancellationToken cancellationToken) =>
        (await Cluster.Registry.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, cancellationToken))!
            .SingleOrDefault(b => b.Name == name);
}
