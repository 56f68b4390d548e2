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
public abstract class ClusterScenarios(AspireKvAppFixture cluster)
{
    /// <summary>A generous bound for replication on a shared, noisy CI machine; the figure itself is measured in bench/.</summary>
    private static readonly TimeSpan ReplicationDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RestartDeadline = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string NewKey(string test) => $"{test}-{Guid.NewGuid():N}";

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
                using var response = await cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
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
        using var response = await cluster.Balancer.GetAsync(KvRoutes.Key(NewKey("missing")), Cancellation);

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

        using (var delete = await cluster.Balancer.DeleteAsync(KvRoutes.Key(key), Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.True(long.Parse(Unquote(delete.Headers.ETag!.Tag), System.Globalization.CultureInfo.InvariantCulture) > setVersion);
        }

        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            await Eventually.HoldsAsync($"{key} gone from {backend}", ReplicationDeadline, async token =>
            {
                using var response = await cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
                return response.StatusCode == HttpStatusCode.NotFound;
            }, Cancellation);
        }

        using var again = await cluster.Balancer.DeleteAsync(KvRoutes.Key(key), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Put_BadInput_Is4xxProblemDetails()
    {
        using var tooLarge = await cluster.Balancer.PutAsync(
            KvRoutes.Key(NewKey("large")), new ByteArrayContent(new byte[(1024 * 1024) + 1]), Cancellation);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);

        using var badKey = await cluster.Balancer.PutAsync(KvRoutes.Key("has space"), new ByteArrayContent([1]), Cancellation);
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
            using var response = await cluster.Balancer.GetAsync(KvRoutes.Key(key), Cancellation);
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

        await cluster.ExecuteCommandAsync(victim, KnownResourceCommands.StopCommand, Cancellation);
        await cluster.WaitUntilStoppedAsync(victim, Cancellation);

        await AssertClientsServedWithoutAsync(victim, key);
        var missed = await WriteKeysAsync(key, count: 5);

        await RestartAndAssertCaughtUpAsync(victim, missed);
    }

    [Fact]
    public async Task KilledBackend_KeepsClientsServed_AndCatchesUpWhenStarted()
    {
        const string victim = "backend-3";
        var key = await PrepareKeyOnEveryBackendAsync(nameof(KilledBackend_KeepsClientsServed_AndCatchesUpWhenStarted));
        var status = await cluster.Client(victim).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation);

        using (var process = Process.GetProcessById(status!.ProcessId))
        {
            process.Kill(); // SIGKILL: no graceful shutdown, no deregistration
        }

        await AssertClientsServedWithoutAsync(victim, key);
        var missed = await WriteKeysAsync(key, count: 5);
        await cluster.WaitUntilStoppedAsync(victim, Cancellation);

        await RestartAndAssertCaughtUpAsync(victim, missed);
    }

    [Fact]
    public async Task Digests_AfterWrites_AreEqualOnEveryBackend()
    {
        var prefix = NewKey(nameof(Digests_AfterWrites_AreEqualOnEveryBackend));
        var keys = await WriteKeysAsync(prefix, count: 20);
        using (await cluster.Balancer.DeleteAsync(KvRoutes.Key(keys[0].Key), Cancellation))
        {
        }

        await Eventually.HoldsAsync("equal digests on all backends", ReplicationDeadline, async token =>
        {
            var digests = new List<StoreDigest>();
            foreach (var backend in AspireKvAppFixture.BackendNames)
            {
                digests.Add((await cluster.Client(backend).GetFromJsonAsync(KvRoutes.AdminDigest, ContractsJsonContext.Default.StoreDigest, token))!);
            }

            return digests.Select(d => (d.Digest, d.AppliedVersion, d.Keys)).Distinct().Count() == 1;
        }, Cancellation);
    }

    // Every backend up and routed to, and a key every backend already holds.
    private async Task<string> PrepareKeyOnEveryBackendAsync(string test)
    {
        await cluster.WaitUntilBalancerRoutesToAllAsync(Cancellation);
        var key = NewKey(test);
        await PutAsync(key, "before"u8.ToArray());
        await WaitUntilEveryBackendHasAsync(key);
        return key;
    }

    private async Task AssertClientsServedWithoutAsync(string victim, string key)
    {
        var servedBy = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await cluster.Balancer.GetAsync(KvRoutes.Key(key), Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Request {i} after {victim} went down failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
            servedBy.Add(ServedBy(response)!);
        }

        Assert.DoesNotContain(victim, servedBy);
    }

    private async Task<List<(string Key, byte[] Value)>> WriteKeysAsync(string prefix, int count)
    {
        var written = new List<(string, byte[])>();
        for (var i = 0; i < count; i++)
        {
            var key = $"{prefix}-{i}";
            var value = System.Text.Encoding.UTF8.GetBytes($"value {i} of {prefix}");
            await PutAsync(key, value);
            written.Add((key, value));
        }

        return written;
    }

    private async Task RestartAndAssertCaughtUpAsync(string victim, List<(string Key, byte[] Value)> missed)
    {
        await cluster.ExecuteCommandAsync(victim, KnownResourceCommands.StartCommand, Cancellation);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            deadline.CancelAfter(RestartDeadline);
            await cluster.App.ResourceNotifications.WaitForResourceHealthyAsync(victim, deadline.Token);
        }

        // Ready means caught up: everything written while it was down is there at once, without waiting.
        foreach (var (key, value) in missed)
        {
            using var response = await cluster.Client(victim).GetAsync(KvRoutes.Key(key), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(value, await response.Content.ReadAsByteArrayAsync(Cancellation));
        }

        await Eventually.HoldsAsync($"the balancer to send traffic to {victim} again", RestartDeadline, async token =>
        {
            using var response = await cluster.Balancer.GetAsync(KvRoutes.Key(missed[0].Key), token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return ServedBy(response) == victim;
        }, Cancellation);
    }

    private async Task WaitUntilEveryBackendHasAsync(string key)
    {
        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            await Eventually.HoldsAsync($"{key} on {backend}", ReplicationDeadline, async token =>
            {
                using var response = await cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
                return response.StatusCode == HttpStatusCode.OK;
            }, Cancellation);
        }
    }

    private async Task<string> PutAsync(string key, byte[] value)
    {
        using var response = await cluster.Balancer.PutAsync(KvRoutes.Key(key), new ByteArrayContent(value), Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"PUT {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
        Assert.Contains(ServedBy(response), AspireKvAppFixture.BackendNames);
        return response.Headers.ETag?.Tag ?? throw new InvalidOperationException("The PUT answer has no ETag.");
    }

    private static async Task<byte[]> ReadValueAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private static string? ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues(KvHeaders.ServedBy, out var values) ? values.Single() : null;

    private static string Unquote(string tag) => tag.Trim('"');
}

/// <summary>The scenario on the embedded Garnet server.</summary>
public sealed class GarnetClusterTests(GarnetAppFixture cluster) : ClusterScenarios(cluster), IClassFixture<GarnetAppFixture>
{
    [Fact]
    public async Task Client_HomePage_RendersTheForm()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        await cluster.App.ResourceNotifications.WaitForResourceHealthyAsync("client", deadline.Token);

        var page = await cluster.Client("client").GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("id=\"kv-key\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"kv-set\"", page, StringComparison.Ordinal);
    }
}

/// <summary>The scenario on Debian's redis-server.</summary>
public sealed class RedisServerClusterTests(RedisServerAppFixture cluster) : ClusterScenarios(cluster), IClassFixture<RedisServerAppFixture>;
