using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using AspireKv.Contracts;

namespace AspireKv.IntegrationTests;

/// <summary>
/// The classic scenario of the original exercise, against a real cluster: writes through the balancer reach
/// every backend, requests are spread round robin, and a backend that stops or is killed costs clients
/// nothing and catches up when it comes back. Runs once per Redis mode.
/// </summary>
public abstract class ClusterScenarios(AspireKvAppFixture cluster) : ClusterTestBase(cluster)
{
    [Fact]
    public async Task Put_ThroughBalancer_IsReadableFromEveryBackend()
    {
        var key = NewKey(nameof(Put_ThroughBalancer_IsReadableFromEveryBackend));
        var value = new byte[300];
        Random.Shared.NextBytes(value);
        value[0] = 0;
        value[1] = 255;

        var written = Stopwatch.StartNew();
        var version = await PutAsync(key, value);

        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            var (stored, servedBy, storedVersion) = await Eventually.ReturnsAsync($"{key} on {backend}", ReplicationDeadline, async token =>
            {
                using var response = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
                return response.StatusCode == HttpStatusCode.NotFound
                    ? null
                    : Tuple.Create(await ReadValueAsync(response, token), ServedBy(response), response.Headers.ETag?.Tag);
            }, Cancellation);

            Assert.Equal(value, stored);
            Assert.Equal(backend, servedBy);
            Assert.Equal(version, storedVersion);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Readable on all backends {written.ElapsedMilliseconds} ms after the PUT was sent.");
    }

    [Fact]
    public async Task Get_MissingKey_Is404ProblemDetailsNamingTheBackend()
    {
        using var response = await Cluster.Balancer.GetAsync(KvRoutes.Key(NewKey("missing")), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ServedBy(response), AspireKvAppFixture.BackendNames);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Key not found", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Delete_ThroughBalancer_RemovesKeyFromEveryBackend()
    {
        var key = NewKey(nameof(Delete_ThroughBalancer_RemovesKeyFromEveryBackend));
        var setVersion = long.Parse(Unquote(await PutAsync(key, "doomed"u8.ToArray())), System.Globalization.CultureInfo.InvariantCulture);

        using (var delete = await Cluster.Balancer.DeleteAsync(KvRoutes.Key(key), Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.True(long.Parse(Unquote(delete.Headers.ETag!.Tag), System.Globalization.CultureInfo.InvariantCulture) > setVersion);
        }

        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            await Eventually.HoldsAsync($"{key} gone from {backend}", ReplicationDeadline, async token =>
            {
                using var response = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
                return response.StatusCode == HttpStatusCode.NotFound;
            }, Cancellation);
        }

        using var again = await Cluster.Balancer.DeleteAsync(KvRoutes.Key(key), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Put_BadInput_Is4xxProblemDetails()
    {
        using var tooLarge = await Cluster.Balancer.PutAsync(
            KvRoutes.Key(NewKey("large")), new ByteArrayContent(new byte[KvLimits.DefaultMaxValueBytes + 1]), Cancellation);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);

        using var badKey = await Cluster.Balancer.PutAsync(KvRoutes.Key("has space"), new ByteArrayContent([1]), Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Equal("application/problem+json", badKey.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Requests_ThroughBalancer_AreSpreadRoundRobin()
    {
        var key = await PrepareKeyOnEveryBackendAsync(nameof(Requests_ThroughBalancer_AreSpreadRoundRobin));

        var servedBy = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await Cluster.Balancer.GetAsync(KvRoutes.Key(key), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            servedBy.Add(ServedBy(response)!);
        }

        for (var i = 0; i + 3 <= servedBy.Count; i++)
        {
            Assert.True(servedBy.Skip(i).Take(3).Distinct().Count() == 3, $"Not round robin at request {i}: {string.Join(", ", servedBy)}");
        }

        Assert.All(AspireKvAppFixture.BackendNames, name => Assert.Equal(10, servedBy.Count(s => s == name)));
    }

    [Fact]
    public async Task StoppedBackend_KeepsClientsServed_AndCatchesUpWhenStarted()
    {
        const string victim = "backend-2";
        var key = await PrepareKeyOnEveryBackendAsync(nameof(StoppedBackend_KeepsClientsServed_AndCatchesUpWhenStarted));

        await Cluster.Resources.ExecuteCommandAsync(victim, KnownResourceCommands.StopCommand, Cancellation);
        await Cluster.Resources.WaitUntilStoppedAsync(victim, Cancellation);

        await AssertClientsServedWithoutAsync(victim, key);
        var missed = await WriteKeysAsync(key, count: 5);

        await RestartAndAssertCaughtUpAsync(victim, missed);
    }

    [Fact]
    public async Task KilledBackend_KeepsClientsServed_AndCatchesUpWhenStarted()
    {
        const string victim = "backend-3";
        var key = await PrepareKeyOnEveryBackendAsync(nameof(KilledBackend_KeepsClientsServed_AndCatchesUpWhenStarted));
        var status = await Cluster.Admin(victim).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation);

        using (var process = Process.GetProcessById(status!.ProcessId))
        {
            process.Kill(); // SIGKILL: no graceful shutdown, no deregistration
        }

        await AssertClientsServedWithoutAsync(victim, key);
        var missed = await WriteKeysAsync(key, count: 5);
        await Cluster.Resources.WaitUntilStoppedAsync(victim, Cancellation);

        await RestartAndAssertCaughtUpAsync(victim, missed);
    }

    [Fact]
    public async Task Digests_AfterWrites_AreEqualOnEveryBackend()
    {
        var keys = await WriteKeysAsync(NewKey(nameof(Digests_AfterWrites_AreEqualOnEveryBackend)), count: 20);
        using (var delete = await Cluster.Balancer.DeleteAsync(KvRoutes.Key(keys[0].Key), Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await AssertConvergedWithAllWritesAsync(keys[1..]);
    }

    private async Task AssertClientsServedWithoutAsync(string victim, string key)
    {
        var servedBy = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await Cluster.Balancer.GetAsync(KvRoutes.Key(key), Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Request {i} after {victim} went down failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
            servedBy.Add(ServedBy(response)!);
        }

        Assert.DoesNotContain(victim, servedBy);
    }

    private async Task RestartAndAssertCaughtUpAsync(string victim, List<(string Key, byte[] Value)> missed)
    {
        await Cluster.Resources.ExecuteCommandAsync(victim, KnownResourceCommands.StartCommand, Cancellation);
        await WaitHealthyAsync(victim);

        // Ready means caught up: everything written while it was down is there at once, without waiting.
        foreach (var (key, value) in missed)
        {
            using var response = await Cluster.Client(victim).GetAsync(KvRoutes.Key(key), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(value, await response.Content.ReadAsByteArrayAsync(Cancellation));
        }

        await Eventually.HoldsAsync($"the balancer to send traffic to {victim} again", RestartDeadline, async token =>
        {
            using var response = await Cluster.Balancer.GetAsync(KvRoutes.Key(missed[0].Key), token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return ServedBy(response) == victim;
        }, Cancellation);
    }

}

/// <summary>The scenario on the embedded Garnet server.</summary>
[Collection(GarnetCluster.Name)]
public sealed class GarnetClusterTests(GarnetAppFixture cluster) : ClusterScenarios(cluster)
{
    [Fact]
    public async Task Client_HomePage_RendersTheForm()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        await Cluster.App.ResourceNotifications.WaitForResourceHealthyAsync("client", deadline.Token);

        var page = await Cluster.Client("client").GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("id=\"kv-key\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"kv-set\"", page, StringComparison.Ordinal);
    }
}

/// <summary>The scenario on Debian's redis-server.</summary>
[Collection(RedisServerCluster.Name)]
public sealed class RedisServerClusterTests(RedisServerAppFixture cluster) : ClusterScenarios(cluster);
