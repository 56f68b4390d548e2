using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AspireKv.Contracts;

namespace AspireKv.IntegrationTests;

/// <summary>
/// What the integration test classes share: the running cluster and the ways to write and check. Each test starts
/// on the cluster as tests expect it, whatever the test before it (in the same shared app) stopped, killed or cut.
/// </summary>
public abstract class ClusterTestBase(AspireKvAppFixture cluster) : IAsyncLifetime
{
    /// <summary>A generous bound for replication on a shared, noisy CI machine; the figures themselves are measured in bench/.</summary>
    protected static readonly TimeSpan ReplicationDeadline = TimeSpan.FromSeconds(10);

    /// <summary>How long a restarted process may take to become healthy on a loaded two-core machine.</summary>
    protected static readonly TimeSpan RestartDeadline = TimeSpan.FromSeconds(90);

    protected AspireKvAppFixture Cluster { get; } = cluster;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await PrepareClusterAsync();

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Brings back what a previous test left stopped, and waits until the balancer routes to every backend.</summary>
    protected virtual Task PrepareClusterAsync() => Cluster.WaitUntilBalancerRoutesToAllAsync(Cancellation);

    /// <summary>A key no other test uses.</summary>
    protected static string NewKey(string test) => $"{test}-{Guid.NewGuid():N}";

    /// <summary>PUTs through the balancer, asserts 204 and returns the ETag.</summary>
    protected async Task<string> PutAsync(string key, byte[] value)
    {
        using var response = await Cluster.Balancer.PutAsync(KvRoutes.Key(key), new ByteArrayContent(value), Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"PUT {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
        Assert.Contains(ServedBy(response), AspireKvAppFixture.BackendNames);
        return response.Headers.ETag?.Tag ?? throw new InvalidOperationException("The PUT answer has no ETag.");
    }

    /// <summary>Writes <paramref name="count"/> keys through the balancer and returns them with their values.</summary>
    protected async Task<List<(string Key, byte[] Value)>> WriteKeysAsync(string prefix, int count)
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

    /// <summary>Every backend up and routed to, and a key every backend already holds.</summary>
    protected async Task<string> PrepareKeyOnEveryBackendAsync(string test)
    {
        await Cluster.WaitUntilBalancerRoutesToAllAsync(Cancellation);
        var key = NewKey(test);
        await PutAsync(key, "before"u8.ToArray());
        await WaitUntilEveryBackendHasAsync(key);
        return key;
    }

    protected async Task WaitUntilEveryBackendHasAsync(string key)
    {
        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            await Eventually.HoldsAsync($"{key} on {backend}", ReplicationDeadline, async token =>
            {
                using var response = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
                return response.StatusCode == HttpStatusCode.OK;
            }, Cancellation);
        }
    }

    protected async Task WaitHealthyAsync(string resource)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(RestartDeadline);
        await Cluster.Resources.WaitHealthyAsync(resource, deadline.Token);
    }

    /// <summary>
    /// Convergence and no lost write: waits until every named backend reports the same digest, then checks that
    /// each holds every acknowledged write (or a later one of the same key) with its value.
    /// </summary>
    protected async Task AssertConvergedWithAllWritesAsync(IReadOnlyCollection<(string Key, byte[] Value)> acknowledged, IEnumerable<string>? backends = null)
    {
        var names = (backends ?? AspireKvAppFixture.BackendNames).ToList();
        try
        {
            await Eventually.HoldsAsync("equal digests on every backend", RestartDeadline, async token =>
            {
                var digests = new List<StoreDigest>();
                foreach (var backend in names)
                {
                    digests.Add((await Cluster.Admin(backend).GetFromJsonAsync(KvRoutes.AdminDigest, ContractsJsonContext.Default.StoreDigest, token))!);
                }

                return digests.Select(d => (d.Digest, d.AppliedVersion)).Distinct().Count() == 1;
            }, Cancellation);
        }
        catch (TimeoutException exception)
        {
            // Say what each backend holds: which one differs, and by how much, is most of the diagnosis.
            throw new TimeoutException($"{exception.Message}{Environment.NewLine}{await DescribeBackendsAsync(names)}", exception);
        }

        foreach (var backend in names)
        {
            foreach (var (key, value) in acknowledged)
            {
                using var response = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), Cancellation);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{backend} lost the acknowledged write of {key}: {(int)response.StatusCode}");
                Assert.Equal(value, await response.Content.ReadAsByteArrayAsync(Cancellation));
            }
        }
    }

    /// <summary>For a failure message: each backend's status and digest, or, when it does not answer, what the orchestrator knows of it.</summary>
    protected async Task<string> DescribeBackendsAsync(IEnumerable<string>? backends = null)
    {
        var states = new List<string>();
        foreach (var backend in backends ?? AspireKvAppFixture.BackendNames)
        {
            try
            {
                states.Add($"{backend}: {await Cluster.Admin(backend).GetStringAsync(KvRoutes.AdminStatus, Cancellation)} {await Cluster.Admin(backend).GetStringAsync(KvRoutes.AdminDigest, Cancellation)}");
            }
            catch (HttpRequestException unreachable)
            {
                // A backend that does not answer at all: whether it exited, and with which code, is the diagnosis.
                states.Add($"{backend}: unreachable ({unreachable.Message}). {await Cluster.Resources.DescribeAsync(backend)}");
            }
        }

        return string.Join(Environment.NewLine, states);
    }

    /// <summary>How long a key's expiry may take to be committed once due: the sweep's delays, and on a failover the promotion.</summary>
    protected static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(60);

    /// <summary>PUTs <paramref name="key"/> on <paramref name="backend"/> with a TTL, asserts 204 and returns its version.</summary>
    protected async Task<long> PutExpiringAsync(string backend, string key, double ttlSeconds)
    {
        var path = $"{KvRoutes.Key(key)}?{KvRoutes.TimeToLiveParameter}={ttlSeconds.ToString(CultureInfo.InvariantCulture)}";
        using var response = await Cluster.Client(backend).PutAsync(path, new StringContent("expiring"), Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"PUT {key} with a TTL: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
        return long.Parse(Unquote(response.Headers.ETag!.Tag), CultureInfo.InvariantCulture);
    }

    /// <summary>A strong read of <paramref name="key"/> on <paramref name="backend"/>: its status, and the time it has left when it is served.</summary>
    protected async Task<(HttpStatusCode Status, double? ExpiresIn)> ReadStrongAsync(string backend, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, KvRoutes.Key(key));
        request.Headers.Add(KvHeaders.Consistency, "strong");
        using var response = await Cluster.Client(backend).SendAsync(request, cancellationToken);
        double? left = response.Headers.TryGetValues(KvHeaders.ExpiresIn, out var values) ? double.Parse(values.Single(), CultureInfo.InvariantCulture) : null;
        return (response.StatusCode, left);
    }

    /// <summary>Waits until a strong read on <paramref name="backend"/> no longer finds <paramref name="key"/>: its expiry is committed.</summary>
    protected async Task WaitUntilExpiredAsync(string backend, string key) =>
        await Eventually.HoldsAsync($"{key} to expire", ExpiryDeadline, async token =>
            (await ReadStrongAsync(backend, key, token)).Status == HttpStatusCode.NotFound, Cancellation);

    /// <summary>
    /// Asserts that a strong read on <paramref name="backend"/> still serves <paramref name="key"/> with no more time left
    /// than <paramref name="leftBefore"/> (seconds, read earlier): its expiry was kept, not dropped or started again.
    /// </summary>
    protected async Task AssertExpiryKeptAsync(string backend, string key, double leftBefore)
    {
        var (status, left) = (await Eventually.ReturnsAsync($"a strong read of {key} on {backend}", ExpiryDeadline, async token =>
        {
            var read = await ReadStrongAsync(backend, key, token);
            // A backend still catching up after a fault answers strong reads with 503 until it is current.
            return read.Status == HttpStatusCode.ServiceUnavailable ? null : Tuple.Create(read.Status, read.ExpiresIn);
        }, Cancellation)).ToValueTuple();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(left);
        // The time left is read on an estimate of Redis's clock that may sit behind it by its width.
        Assert.True(left <= leftBefore + 0.1, $"{key} had {leftBefore} s left, and now {left} s: its expiry was started again");
    }

    protected static async Task<byte[]> ReadValueAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    protected static string? ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues(KvHeaders.ServedBy, out var values) ? values.Single() : null;

    protected static string Unquote(string tag) => tag.Trim('"');
}
