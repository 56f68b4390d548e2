using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.IntegrationTests;

/// <summary>
/// The replication guarantees under the failure model: conditional writes, read consistency, idempotent
/// retries, and convergence with every acknowledged write present after a backend is killed mid-stream, cut
/// off from Redis, after Redis restarts with and without its data, and when a new backend joins.
/// </summary>
public abstract class ReplicationScenarios(AspireKvAppFixture cluster) : ClusterTestBase(cluster)
{
    [Fact]
    public async Task ConditionalWrites_AreCheckedAtomicallyWhicheverBackendServes()
    {
        var key = NewKey(nameof(ConditionalWrites_AreCheckedAtomicallyWhicheverBackendServes));

        using var created = await SendAsync("backend-1", HttpMethod.Put, key, "first", ("If-None-Match", "*"));
        Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        var version = created.Headers.ETag!.Tag;

        using var createdAgain = await SendAsync("backend-2", HttpMethod.Put, key, "second", ("If-None-Match", "*"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, createdAgain.StatusCode);
        Assert.Equal(version, createdAgain.Headers.ETag!.Tag);

        using var matched = await SendAsync("backend-3", HttpMethod.Put, key, "third", ("If-Match", version));
        Assert.Equal(HttpStatusCode.NoContent, matched.StatusCode);

        using var stale = await SendAsync("backend-2", HttpMethod.Put, key, "fourth", ("If-Match", version));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(matched.Headers.ETag!.Tag, stale.Headers.ETag!.Tag);

        using var staleDelete = await SendAsync("backend-1", HttpMethod.Delete, key, null, ("If-Match", version));
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.StatusCode);

        using var read = await SendAsync("backend-2", HttpMethod.Get, key, null, (KvHeaders.Consistency, "strong"));
        Assert.Equal("third", await read.Content.ReadAsStringAsync(Cancellation));
    }

    // Rounds of writers racing on one key, four on each backend. With scripts that were not atomic (Garnet without
    // its transaction mode) this test failed in 9 of 20 runs with 30 rounds of creates, 19 of 20 with 250, and 20 of
    // 20 with 500 (docs/architecture.md says how that was measured).
    private const int RaceWriters = 12, ConditionalRounds = 500, PlainRounds = 100;

    [Fact]
    public async Task ConcurrentWritesOfOneKey_AreOrderedOnce_AndEveryCopyAgrees()
    {
        var prefix = NewKey(nameof(ConcurrentWritesOfOneKey_AreOrderedOnce_AndEveryCopyAgrees));
        var expected = new Dictionary<string, (long Version, string Value)>();

        for (var round = 0; round < ConditionalRounds; round++)
        {
            var key = $"{prefix}-create-{round}";
            var attempts = await RaceAsync(key, ("If-None-Match", "*"));
            Assert.True(
                attempts.Count(a => a.Status == HttpStatusCode.NoContent) == 1 && attempts.Count(a => a.Status == HttpStatusCode.PreconditionFailed) == RaceWriters - 1,
                $"round {round} of creates: {string.Join(", ", attempts.Select(a => (int)a.Status))}");
            var winner = attempts.Single(a => a.Status == HttpStatusCode.NoContent);
            expected[key] = (winner.Version, winner.Value);
        }

        for (var round = 0; round < PlainRounds; round++)
        {
            var key = $"{prefix}-plain-{round}";
            var attempts = await RaceAsync(key);
            Assert.All(attempts, a => Assert.Equal(HttpStatusCode.NoContent, a.Status));
            Assert.Equal(RaceWriters, attempts.Select(a => a.Version).Distinct().Count());
            var last = attempts.MaxBy(a => a.Version);
            expected[key] = (last.Version, last.Value);
        }

        // The durable copy, which restarts and new backends load, holds the last write of every key.
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await Cluster.RedisConnectionStringAsync(Cancellation)))
        {
            var stored = await redis.GetDatabase().HashGetAsync(BackendRedisKeys.DurableCopy, [.. expected.Keys.Select(k => (StackExchange.Redis.RedisValue)k)]);
            var wrong = expected.Keys.Zip(stored).Where(pair => DurableVersion(pair.Second) != expected[pair.First].Version)
                .Select(pair => $"{pair.First}: durable copy v{DurableVersion(pair.Second)}, last write v{expected[pair.First].Version}").ToList();
            Assert.True(wrong.Count == 0, string.Join("; ", wrong));
        }

        // Every backend, and one started from the durable copy now, holds the same version and value.
        await AssertEveryBackendHoldsAsync(expected, AspireKvAppFixture.BackendNames);
        const string newcomer = AspireKvAppFixture.StandbyBackend;
        try
        {
            await Cluster.Resources.ExecuteCommandAsync(newcomer, KnownResourceCommands.StartCommand, Cancellation);
            await WaitHealthyAsync(newcomer);
            await AssertEveryBackendHoldsAsync(expected, [newcomer]);
        }
        finally
        {
            await Cluster.Resources.ExecuteCommandAsync(newcomer, KnownResourceCommands.StopCommand, Cancellation);
        }
    }

    // RaceWriters PUTs of one key at once, spread over the backends; each answer's status, version and value.
    private async Task<(HttpStatusCode Status, long Version, string Value)[]> RaceAsync(string key, params (string Name, string Value)[] headers) =>
        await Task.WhenAll(Enumerable.Range(0, RaceWriters).Select(async writer =>
        {
            var value = $"writer {writer}";
            using var response = await SendAsync(AspireKvAppFixture.BackendNames[writer % 3], HttpMethod.Put, key, value, headers);
            var version = response.Headers.ETag is { } tag ? long.Parse(Unquote(tag.Tag), CultureInfo.InvariantCulture) : 0;
            return (response.StatusCode, version, value);
        }));

    private async Task AssertEveryBackendHoldsAsync(Dictionary<string, (long Version, string Value)> expected, IEnumerable<string> backends)
    {
        foreach (var backend in backends)
        {
            await Eventually.HoldsAsync($"{backend} to hold the last write of every raced key", ReplicationDeadline, async token =>
            {
                foreach (var (key, (version, value)) in expected)
                {
                    using var read = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), token);
                    if (read.StatusCode != HttpStatusCode.OK || read.Headers.ETag?.Tag != $"\"{version}\"" || await read.Content.ReadAsStringAsync(token) != value)
                    {
                        return false;
                    }
                }

                return true;
            }, Cancellation);
        }
    }

    // A durable copy entry is "<version>\n<body>".
    private static long DurableVersion(StackExchange.Redis.RedisValue entry)
    {
        var text = (byte[]?)entry ?? [];
        var newline = Array.IndexOf(text, (byte)'\n');
        return newline > 0 ? long.Parse(text.AsSpan(0, newline), CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task SessionAndStrongReads_OnAnotherBackend_AlwaysSeeTheWrite()
    {
        var prefix = NewKey(nameof(SessionAndStrongReads_OnAnotherBackend_AlwaysSeeTheWrite));
        for (var i = 0; i < 30; i++)
        {
            var key = $"{prefix}-{i}";
            var writer = AspireKvAppFixture.BackendNames[i % 3];
            using var written = await SendAsync(writer, HttpMethod.Put, key, $"v{i}");
            Assert.Equal(HttpStatusCode.NoContent, written.StatusCode);
            var token = Unquote(written.Headers.ETag!.Tag);

            // Read at once from another backend: the session read waits for the token, the strong read for Redis's head.
            using var session = await SendAsync(AspireKvAppFixture.BackendNames[(i + 1) % 3], HttpMethod.Get, key, null, (KvHeaders.MinVersion, token));
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
            Assert.Equal($"v{i}", await session.Content.ReadAsStringAsync(Cancellation));
            Assert.True(long.Parse(session.Headers.GetValues(KvHeaders.AppliedVersion).Single(), CultureInfo.InvariantCulture) >= long.Parse(token, CultureInfo.InvariantCulture));

            using var strong = await SendAsync(AspireKvAppFixture.BackendNames[(i + 2) % 3], HttpMethod.Get, key, null, (KvHeaders.Consistency, "strong"));
            Assert.Equal(HttpStatusCode.OK, strong.StatusCode);
            Assert.Equal($"v{i}", await strong.Content.ReadAsStringAsync(Cancellation));
        }
    }

    [Fact]
    public async Task RetriedWriteWithIdempotencyKey_IsAppliedOnce()
    {
        var key = NewKey(nameof(RetriedWriteWithIdempotencyKey_IsAppliedOnce));
        var idempotencyKey = Guid.NewGuid().ToString("N");

        // A backend may still refuse writes for a moment after an earlier test's fault (503, nothing written; or 504, which
        // a retry with the same key settles): the first write is sent until it is acknowledged.
        using var first = await Eventually.ReturnsAsync("the first write to be acknowledged", ReplicationDeadline, async _ =>
        {
            var response = await SendAsync("backend-1", HttpMethod.Put, key, "once", (KvHeaders.IdempotencyKey, idempotencyKey));
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return response;
            }

            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });
            response.Dispose();
            return null;
        }, Cancellation);
        using var retry = await SendAsync("backend-2", HttpMethod.Put, key, "once", (KvHeaders.IdempotencyKey, idempotencyKey));
        using var other = await SendAsync("backend-3", HttpMethod.Put, key, "again", (KvHeaders.IdempotencyKey, Guid.NewGuid().ToString("N")));

        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        Assert.Equal(first.Headers.ETag!.Tag, retry.Headers.ETag!.Tag);
        Assert.NotEqual(first.Headers.ETag!.Tag, other.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task BackendKilledDuringWrites_EveryAcknowledgedWriteSurvivesAndReplicasConverge()
    {
        const string victim = "backend-2";
        var prefix = NewKey(nameof(BackendKilledDuringWrites_EveryAcknowledgedWriteSurvivesAndReplicasConverge));
        var status = await Cluster.Admin(victim).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation);

        var acknowledged = await WriteStreamAsync(prefix, writes: 150, atWrite: 50, () =>
        {
            using var process = Process.GetProcessById(status!.ProcessId);
            process.Kill();
            return Task.CompletedTask;
        });

        await Cluster.Resources.WaitUntilStoppedAsync(victim, Cancellation);
        await Cluster.Resources.ExecuteCommandAsync(victim, KnownResourceCommands.StartCommand, Cancellation);
        await WaitHealthyAsync(victim);
        await AssertConvergedWithAllWritesAsync(acknowledged);
    }

    [Fact]
    public async Task BackendCutOffFromRedis_ServesStaleReadsRefusesWrites_AndCatchesUpOnReconnect()
    {
        const string isolated = AspireKvAppFixture.IsolatableBackend;
        var key = await PrepareKeyOnEveryBackendAsync(nameof(BackendCutOffFromRedis_ServesStaleReadsRefusesWrites_AndCatchesUpOnReconnect));
        // A key the isolated backend holds, that expires while it is cut off: it must hide it, then take its delete.
        var expiring = NewKey("expires-while-cut-off");
        var expiringVersion = await PutExpiringAsync("backend-1", expiring, 4);
        using (var held = await SendAsync(isolated, HttpMethod.Get, expiring, null, (KvHeaders.MinVersion, expiringVersion.ToString(CultureInfo.InvariantCulture))))
        {
            Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        }

        List<(string Key, byte[] Value)> missed;
        try
        {
            Cluster.RedisProxy.Cut();
            await Eventually.HoldsAsync($"{isolated} to notice it lost Redis", ReplicationDeadline, async token =>
            {
                using var read = await Cluster.Client(isolated).GetAsync(KvRoutes.Key(key), token);
                return read.StatusCode == HttpStatusCode.OK && read.Headers.Contains(KvHeaders.PossiblyStale);
            }, Cancellation);

            using (var write = await SendAsync(isolated, HttpMethod.Put, NewKey("refused"), "x"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
                Assert.NotNull(write.Headers.RetryAfter);
                Assert.True(write.Headers.Contains(KvHeaders.TryAnotherBackend), "a refusal about this backend alone says another may answer");
            }

            missed = [];
            var token = string.Empty;
            for (var i = 0; i < 20; i++)
            {
                var missedKey = $"{key}-missed-{i}";
                using var write = await SendAsync(AspireKvAppFixture.BackendNames[i % 2], HttpMethod.Put, missedKey, $"v{i}");
                Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
                missed.Add((missedKey, System.Text.Encoding.UTF8.GetBytes($"v{i}")));
                token = Unquote(write.Headers.ETag!.Tag);
            }

            // The isolated backend cannot have these writes: a session read with a token that covers them, and a
            // strong read, must refuse rather than answer with older data.
            using (var session = await SendAsync(isolated, HttpMethod.Get, missed[^1].Key, null, (KvHeaders.MinVersion, token)))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, session.StatusCode);
            }

            using (var strong = await SendAsync(isolated, HttpMethod.Get, missed[^1].Key, null, (KvHeaders.Consistency, "strong")))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, strong.StatusCode);
            }

            using (var local = await SendAsync(isolated, HttpMethod.Get, missed[^1].Key, null))
            {
                Assert.Equal(HttpStatusCode.NotFound, local.StatusCode);
                Assert.True(local.Headers.Contains(KvHeaders.PossiblyStale));
            }

            // Its delete is committed by the backends that reach Redis; the isolated one, which cannot have it, hides
            // the key by its own estimate of Redis's clock, within that estimate's width of the delete.
            await WaitUntilExpiredAsync("backend-1", expiring);
            await Eventually.HoldsAsync($"{isolated} to hide the expired {expiring}", ReplicationDeadline, async token =>
            {
                using var local = await Cluster.Client(isolated).GetAsync(KvRoutes.Key(expiring), token);
                return local.StatusCode == HttpStatusCode.NotFound;
            }, Cancellation);

            // Through the balancer the cut-off backend costs nothing: what it refuses goes to another backend.
            for (var i = 0; i < 6; i++)
            {
                using var write = await SendAsync("balancer", HttpMethod.Put, $"{key}-via-balancer-{i}", "b", (KvHeaders.IdempotencyKey, Guid.NewGuid().ToString("N")));
                Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
                using var strong = await SendAsync("balancer", HttpMethod.Get, missed[^1].Key, null, (KvHeaders.Consistency, "strong"));
                Assert.Equal(HttpStatusCode.OK, strong.StatusCode);
            }
        }
        finally
        {
            Cluster.RedisProxy.Restore();
        }

        await AssertConvergedWithAllWritesAsync(missed);
    }

    [Fact]
    public async Task RedisRestartedWithItsData_ClusterResumesWithEveryWrite()
    {
        var before = await WriteKeysAsync(NewKey(nameof(RedisRestartedWithItsData_ClusterResumesWithEveryWrite)), count: 20);

        await Cluster.Resources.ExecuteCommandAsync(Cluster.RedisServerResource, KnownResourceCommands.RestartCommand, Cancellation);
        await WaitHealthyAsync(Cluster.RedisServerResource);
        var after = await WriteWhenAcceptedAsync(NewKey("after-restart"));

        await AssertConvergedWithAllWritesAsync([.. before, after]);
    }

    [Fact]
    public async Task RedisRestartedEmpty_NoAcknowledgedWriteIsLost_AndExpiriesAreRestored()
    {
        // Written first, so every backend holds them once it holds the keys after them (they apply in order).
        var lasting = NewKey("expiry-restored");
        await PutExpiringAsync("backend-1", lasting, 300);
        var expiring = NewKey("expires-around-the-restore");
        await PutExpiringAsync("backend-1", expiring, 3);
        var before = await WriteKeysAsync(NewKey(nameof(RedisRestartedEmpty_NoAcknowledgedWriteIsLost_AndExpiriesAreRestored)), count: 20);
        var leftBefore = (await ReadStrongAsync("backend-1", lasting, Cancellation)).ExpiresIn!.Value;
        foreach (var (key, _) in before)
        {
            await WaitUntilEveryBackendHasAsync(key);
        }

        await Cluster.Resources.ExecuteCommandAsync(Cluster.RedisServerResource, KnownResourceCommands.StopCommand, Cancellation);
        await Cluster.Resources.WaitUntilStoppedAsync(Cluster.RedisServerResource, Cancellation);
        Directory.Delete(Cluster.RedisDataDirectory, recursive: true);
        Directory.CreateDirectory(Cluster.RedisDataDirectory);
        await Cluster.Resources.ExecuteCommandAsync(Cluster.RedisServerResource, KnownResourceCommands.StartCommand, Cancellation);
        await WaitHealthyAsync(Cluster.RedisServerResource);

        var after = await WriteWhenAcceptedAsync(NewKey("after-empty-restart"));

        // The restore wrote the keys back with the expiries they had: one still runs down, the other expires.
        await AssertExpiryKeptAsync("backend-1", lasting, leftBefore);
        await WaitUntilExpiredAsync("backend-1", expiring);
        await AssertConvergedWithAllWritesAsync([.. before, after]);
        foreach (var (key, value) in before)
        {
            // Back in Redis too: a strong read goes through Redis's head.
            using var strong = await SendAsync("backend-1", HttpMethod.Get, key, null, (KvHeaders.Consistency, "strong"));
            Assert.Equal(value, await ReadValueAsync(strong, Cancellation));
        }
    }

    [Fact]
    public async Task NewBackend_JoiningARunningCluster_StartsEmptyCatchesUpAndGetsTraffic()
    {
        const string newcomer = AspireKvAppFixture.StandbyBackend;
        var written = await WriteKeysAsync(NewKey(nameof(NewBackend_JoiningARunningCluster_StartsEmptyCatchesUpAndGetsTraffic)), count: 30);
        try
        {
            await Cluster.Resources.ExecuteCommandAsync(newcomer, KnownResourceCommands.StartCommand, Cancellation);
            await WaitHealthyAsync(newcomer);

            await AssertConvergedWithAllWritesAsync(written, [.. AspireKvAppFixture.BackendNames, newcomer]);
            await Eventually.HoldsAsync($"the balancer to send traffic to {newcomer}", RestartDeadline, async token =>
            {
                using var response = await Cluster.Balancer.GetAsync(KvRoutes.Key(written[0].Key), token);
                return ServedBy(response) == newcomer;
            }, Cancellation);
            var peers = await Cluster.Admin("backend-1").GetFromJsonAsync(KvRoutes.AdminPeers, ContractsJsonContext.Default.IReadOnlyListPeerStatus, Cancellation);
            Assert.Contains(peers!, p => p.Name == newcomer && p.Alive);
        }
        finally
        {
            await Cluster.Resources.ExecuteCommandAsync(newcomer, KnownResourceCommands.StopCommand, Cancellation);
        }
    }

    [Fact]
    public async Task Peers_EveryBackendSeesTheOthersAliveAndCaughtUp()
    {
        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            await Eventually.HoldsAsync($"{backend} to see every peer alive", ReplicationDeadline, async token =>
            {
                var peers = await Cluster.Admin(backend).GetFromJsonAsync(KvRoutes.AdminPeers, ContractsJsonContext.Default.IReadOnlyListPeerStatus, token);
                return AspireKvAppFixture.BackendNames.All(name => peers!.Any(p => p.Name == name && p.Alive && p.Ready));
            }, Cancellation);
        }
    }

    // Writes through the balancer, runs the fault at one point, and returns the writes that were acknowledged.
    private async Task<List<(string Key, byte[] Value)>> WriteStreamAsync(string prefix, int writes, int atWrite, Func<Task> fault)
    {
        var acknowledged = new List<(string, byte[])>();
        for (var i = 0; i < writes; i++)
        {
            if (i == atWrite)
            {
                await fault();
            }

            var key = $"{prefix}-{i}";
            var value = System.Text.Encoding.UTF8.GetBytes($"value {i}");
            using var response = await Cluster.Balancer.PutAsync(KvRoutes.Key(key), new ByteArrayContent(value), Cancellation);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                acknowledged.Add((key, value));
            }
        }

        Assert.True(acknowledged.Count >= writes - 3, $"Only {acknowledged.Count} of {writes} writes were acknowledged.");
        return acknowledged;
    }

    // After a Redis restart writes are refused (503) until the backends have checked, or restored, the data. A write
    // that commits while its backend starts reloading is answered 504 (outcome unknown); sending the same key and value
    // again is harmless either way.
    private async Task<(string Key, byte[] Value)> WriteWhenAcceptedAsync(string key)
    {
        var value = "after"u8.ToArray();
        try
        {
            await Eventually.HoldsAsync("writes to be accepted again", RestartDeadline, async token =>
            {
                using var response = await Cluster.Balancer.PutAsync(KvRoutes.Key(key), new ByteArrayContent(value), token);
                Assert.True(
                    response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
                    $"PUT answered {(int)response.StatusCode}");
                return response.StatusCode == HttpStatusCode.NoContent;
            }, Cancellation);
        }
        catch (TimeoutException exception)
        {
            var backends = await Task.WhenAll(AspireKvAppFixture.BackendNames.Select(Cluster.Resources.DescribeAsync));
            throw new TimeoutException(exception.Message + Environment.NewLine + string.Join(Environment.NewLine, backends), exception);
        }

        return (key, value);
    }

    private async Task<HttpResponseMessage> SendAsync(string backend, HttpMethod method, string key, string? body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, KvRoutes.Key(key));
        if (body is not null)
        {
            request.Content = new StringContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Cluster.Client(backend).SendAsync(request, Cancellation);
    }
}

/// <summary>The guarantees on the embedded Garnet server.</summary>
[Collection(GarnetCluster.Name)]
public sealed class GarnetReplicationTests(GarnetAppFixture cluster) : ReplicationScenarios(cluster);

/// <summary>The guarantees on Debian's redis-server.</summary>
[Collection(RedisServerCluster.Name)]
public sealed class RedisServerReplicationTests(RedisServerAppFixture cluster) : ReplicationScenarios(cluster);
