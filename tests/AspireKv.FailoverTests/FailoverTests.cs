using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using AspireKv.Contracts;
using AspireKv.IntegrationTests;
using StackExchange.Redis;

namespace AspireKv.FailoverTests;

/// <summary>
/// The replicated topology: the primary dies and the Sentinels promote a replica while clients keep writing. Every
/// acknowledged write must survive, and the backends must agree afterwards.
/// </summary>
[Collection(ReplicatedCluster.Name)]
public sealed class FailoverTests(ReplicatedAppFixture cluster) : ClusterTestBase(cluster)
{
    private const int Writers = 4;
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(60);

    /// <summary>What a write may be answered while the primary fails over: done, nothing written, or outcome unknown.</summary>
    private static readonly HttpStatusCode[] FailoverAnswers = [HttpStatusCode.NoContent, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout];

    [Fact]
    public async Task PrimaryKilledUnderWrites_EveryAcknowledgedWriteAndExpirySurvives_AndAnswersAreOnly2xx503Or504()
    {
        var prefix = NewKey("failover");
        // Acknowledged once a replica has them, so the promoted replica holds their expiries.
        var lasting = NewKey("expiry-kept-over-failover");
        await PutExpiringAsync("backend-1", lasting, 300);
        var expiring = NewKey("expires-around-failover");
        await PutExpiringAsync("backend-1", expiring, 3);
        var leftBefore = (await ReadStrongAsync("backend-1", lasting, Cancellation)).ExpiresIn!.Value;
        await using var load = await StartWritingAsync(prefix);
        var primary = await KillPrimaryAsync();
        load.Mark();
        await WaitForWritesSinceMarkAsync(load, $"after {primary.Resource} was killed");
        FailoverTimes.Record("primary-killed", load.TimeToFirstAcknowledgement);
        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            // What /admin/status and the cluster panel show: another primary, and the failover counted.
            try
            {
                await Eventually.HoldsAsync($"{backend} to report the promoted primary", FailoverDeadline, async token =>
                    (await Cluster.Admin(backend).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, token))!.Redis is { } redis
                    && redis.FollowsFailovers && redis.FailoversSeen >= 1 && !redis.Primary.EndsWith($":{primary.Port}", StringComparison.Ordinal), Cancellation);
            }
            catch (TimeoutException exception)
            {
                throw new TimeoutException($"{exception.Message} The killed primary listened on {primary.Port}.{Environment.NewLine}{await DescribeClusterAsync()}", exception);
            }
        }

        await StopAndAssertAsync(load, prefix, FailoverAnswers);
        await AssertExpiryKeptAsync("backend-1", lasting, leftBefore);
        await WaitUntilExpiredAsync("backend-2", expiring);

        // Started again from the dashboard, the old primary answers as a replica of the promoted one from its first
        // answer on, not as a second primary with its old data until a Sentinel notices.
        await Cluster.Resources.WaitUntilStoppedAsync(primary.Resource, Cancellation);
        await Cluster.Resources.ExecuteCommandAsync(primary.Resource, KnownResourceCommands.StartCommand, Cancellation);
        bool? isPrimary = null;
        await Eventually.HoldsAsync($"{primary.Resource} to answer once started again", FailoverDeadline, async _ =>
            (isPrimary = await IsPrimaryAsync(primary.Resource)) is not null, Cancellation);
        Assert.False(isPrimary, $"{primary.Resource} came back as a primary");
    }

    /// <summary>
    /// The primary hangs (SIGSTOP) for longer than the Sentinels wait, a replica is promoted, then the old primary
    /// resumes: the writes queued in it run there, alone. None of them may be acknowledged or applied by a backend, and the
    /// old primary must rejoin as a replica.
    /// </summary>
    [Fact]
    public async Task PrimaryHungPastTheFailoverThenResumed_RejoinsAsAReplica_AndNothingItDidAloneIsApplied()
    {
        var prefix = NewKey("hung-primary");
        var servers = await RedisServer.ListAsync(Cluster.App, await RedisPasswordAsync(), Cancellation);
        var hung = servers.Single(server => server.IsPrimary);
        var others = servers.Where(server => server != hung).Select(server => server.Resource).ToList();
        await using var load = await StartWritingAsync(prefix);
        // A signal of the test's own, not the dashboard's Hang: the time to the next acknowledgement is measured from here.
        await hung.SignalAsync("STOP");
        load.Mark();
        try
        {
            await Eventually.HoldsAsync($"the Sentinels to promote a replica while {hung.Resource} hangs", FailoverDeadline, async _ =>
            {
                var promoted = false;
                foreach (var other in others)
                {
                    promoted |= await IsPrimaryAsync(other) == true;
                }

                return promoted;
            }, Cancellation);
            await WaitForWritesSinceMarkAsync(load, "on the promoted replica");
            FailoverTimes.Record("primary-hung", load.TimeToFirstAcknowledgement);
        }
        finally
        {
            await hung.SignalAsync("CONT");
        }

        load.Mark();
        await Eventually.HoldsAsync($"{hung.Resource} to rejoin as a replica", FailoverDeadline, async _ =>
            await IsPrimaryAsync(hung.Resource) == false, Cancellation);
        await WaitForWritesSinceMarkAsync(load, "after the old primary resumed");

        await StopAndAssertAsync(load, prefix, FailoverAnswers);
    }

    /// <summary>
    /// A replica killed and started again, a Sentinel hung, resumed and restarted, under writes (with the dashboard's
    /// commands): not one write fails.
    /// </summary>
    [Fact]
    public async Task ReplicaAndSentinelRestartedUnderWrites_CostNothing()
    {
        var prefix = NewKey("replica-restart");
        var replica = (await RedisServer.ListAsync(Cluster.App, await RedisPasswordAsync(), Cancellation)).First(server => !server.IsPrimary);
        await using var load = await StartWritingAsync(prefix);
        // The dashboard's Crash command, as a person would kill a replica.
        await Cluster.Resources.ExecuteCommandAsync(replica.Resource, "crash", Cancellation);
        load.Mark();
        await WaitForWritesSinceMarkAsync(load, $"with {replica.Resource} down");
        await Cluster.Resources.WaitUntilStoppedAsync(replica.Resource, Cancellation);
        await Cluster.Resources.ExecuteCommandAsync(replica.Resource, KnownResourceCommands.StartCommand, Cancellation);
        await Cluster.Resources.WaitHealthyAsync(replica.Resource, Cancellation);
        await Cluster.Resources.ExecuteCommandAsync("sentinel-1", "hang", Cancellation);
        load.Mark();
        await WaitForWritesSinceMarkAsync(load, "with sentinel-1 hung");
        await Cluster.Resources.ExecuteCommandAsync("sentinel-1", "resume", Cancellation);
        await Cluster.Resources.ExecuteCommandAsync("sentinel-1", KnownResourceCommands.RestartCommand, Cancellation);
        await Cluster.Resources.WaitHealthyAsync("sentinel-1", Cancellation);
        load.Mark();
        await WaitForWritesSinceMarkAsync(load, "after the restarts");

        await StopAndAssertAsync(load, prefix, [HttpStatusCode.NoContent]);
    }

    /// <summary>Starts <see cref="Writers"/> clients writing through the balancer; returns once 50 writes were acknowledged.</summary>
    private async Task<WriteLoad> StartWritingAsync(string prefix)
    {
        var load = new WriteLoad(Cluster.Balancer, prefix, Writers, Cancellation);
        await Eventually.HoldsAsync("writes to be acknowledged before the fault", TimeSpan.FromSeconds(30), _ => Task.FromResult(load.Acknowledged.Count >= 50), Cancellation);
        return load;
    }

    /// <summary>Waits until 50 writes sent after the load's last mark were acknowledged; if they are not, says what the writers and the backends saw.</summary>
    private async Task WaitForWritesSinceMarkAsync(WriteLoad load, string when)
    {
        try
        {
            await Eventually.HoldsAsync($"writes to be acknowledged {when}", FailoverDeadline, _ => Task.FromResult(load.AcknowledgedSinceMark >= 50), Cancellation);
        }
        catch (TimeoutException exception)
        {
            var answers = string.Join(", ", load.Statuses.GroupBy(status => (int)status).OrderBy(group => group.Key).Select(group => $"{group.Key}: {group.Count()}"));
            throw new TimeoutException(
                $"{exception.Message} Acknowledged since the fault: {load.AcknowledgedSinceMark}; every answer so far: {answers}.{Environment.NewLine}{await DescribeClusterAsync()}",
                exception);
        }
    }

    /// <summary>For a failure message: each backend's status, and the last log lines of every server, every backend and a Sentinel.</summary>
    private async Task<string> DescribeClusterAsync()
    {
        var logs = await Task.WhenAll(
            ReplicatedAppFixture.Servers.Concat(AspireKvAppFixture.BackendNames).Append("sentinel-1").Select(Cluster.Resources.DescribeAsync));
        return $"{await DescribeBackendsAsync()}{Environment.NewLine}{string.Join(Environment.NewLine, logs)}";
    }

    /// <summary>Stops the load, checks every answer was one of <paramref name="allowed"/>, and that every acknowledged write survived.</summary>
    private async Task StopAndAssertAsync(WriteLoad load, string prefix, HttpStatusCode[] allowed)
    {
        await load.StopAsync();
        Assert.All(load.Statuses, status => Assert.Contains(status, allowed));
        await AssertAcknowledgedEverywhereWithDistinctVersionsAsync(load, prefix);
    }

    /// <summary>
    /// Every acknowledged write is on every backend with the version it was acknowledged with, the backends agree, and
    /// no version belongs to two keys of the test (a write applied from a history that was not kept would show up so).
    /// </summary>
    private async Task AssertAcknowledgedEverywhereWithDistinctVersionsAsync(WriteLoad load, string prefix)
    {
        await AssertConvergedWithAllWritesAsync([.. load.Acknowledged.Select(pair => (pair.Key, pair.Value.Value))]);
        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            var listed = new List<KeyListing>();
            string? after = null;
            do
            {
                var page = await Cluster.Client(backend).GetFromJsonAsync(
                    $"{KvRoutes.KeyValuePrefix}?prefix={Uri.EscapeDataString(prefix)}&limit=1000{(after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after))}",
                    ContractsJsonContext.Default.KeyPage,
                    Cancellation);
                listed.AddRange(page!.Items);
                after = page.Next;
            }
            while (after is not null);

            var shared = listed.GroupBy(item => item.Version).Where(group => group.Count() > 1)
                .Select(group => $"version {group.Key}: {string.Join(", ", group.Select(item => $"{item.Key} ({(load.Answers.TryGetValue(item.Key, out var answer) ? (int)answer : 0)})"))}")
                .ToList();
            Assert.True(shared.Count == 0, $"{backend} holds versions given to two writes: {string.Join("; ", shared)}");
            foreach (var (key, (_, version)) in load.Acknowledged)
            {
                Assert.Equal(Unquote(version), listed.Single(item => item.Key == key).Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>
    /// The case a version floor alone cannot catch: the replica that is promoted lacks acknowledged writes (the one
    /// replica that confirmed them died with the primary), and a backend that was down meanwhile comes back after the
    /// promotion, knowing nothing of the lost versions, and writes at once. No acknowledged write may be lost, no version
    /// may be given to two writes, and every backend must end with the same data.
    /// </summary>
    [Fact]
    public async Task PromotedReplicaLacksAcknowledgedWrites_WhileABackendWasDown_NothingIsLostAndNoVersionReused()
    {
        var prefix = NewKey("promoted-lacks");
        var acknowledged = new List<(string Key, byte[] Value, string Version)>();
        var servers = await RedisServer.ListAsync(Cluster.App, await RedisPasswordAsync(), Cancellation);
        var primary = servers.Single(server => server.IsPrimary);
        var laggard = servers.First(server => !server.IsPrimary);
        var witness = servers.Single(server => !server.IsPrimary && server != laggard);
        var returning = AspireKvAppFixture.IsolatableBackend;
        var generationBefore = await GenerationAsync("backend-1");

        await Cluster.Resources.ExecuteCommandAsync(returning, KnownResourceCommands.StopCommand, Cancellation);
        await Cluster.Resources.WaitUntilStoppedAsync(returning, Cancellation);
        await laggard.SignalAsync("STOP");
        try
        {
            // Acknowledged, so on the primary and on the witness; the stopped laggard has none of them.
            for (var i = 0; i < 20; i++)
            {
                acknowledged.Add(await PutUntilAcknowledgedAsync(Cluster.Balancer, $"{prefix}-before-{i}"));
            }

            await witness.SignalAsync("KILL");
            await primary.SignalAsync("KILL");
        }
        finally
        {
            await laggard.SignalAsync("CONT");
        }

        await Eventually.HoldsAsync($"the Sentinels to promote {laggard.Resource}", FailoverDeadline, async _ =>
            await IsPrimaryAsync(laggard.Resource) == true, Cancellation);
        // A primary without a replica accepts no write (min-replicas-to-write): the killed servers return as its replicas.
        foreach (var killed in new[] { witness, primary })
        {
            await Cluster.Resources.ExecuteCommandAsync(killed.Resource, KnownResourceCommands.StartCommand, Cancellation);
        }

        await Cluster.Resources.ExecuteCommandAsync(returning, KnownResourceCommands.StartCommand, Cancellation);
        for (var i = 0; i < 10; i++)
        {
            acknowledged.Add(await PutUntilAcknowledgedAsync(Cluster.Client(returning), $"{prefix}-returning-{i}"));
        }

        Assert.Equal(acknowledged.Count, acknowledged.Select(write => write.Version).Distinct().Count());
        await AssertConvergedWithAllWritesAsync([.. acknowledged.Select(write => (write.Key, write.Value))]);
        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            foreach (var (key, _, version) in acknowledged)
            {
                using var response = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), Cancellation);
                Assert.Equal(version, response.Headers.ETag?.Tag);
            }

            // The promotion ended the epoch: the backends wrote back what the promoted replica lacked, under a new one.
            Assert.True(await GenerationAsync(backend) > generationBefore, $"{backend} is still in generation {generationBefore}.");
        }
    }

    /// <summary>The generation of the epoch <paramref name="backend"/> has loaded (the number before the colon).</summary>
    private async Task<long> GenerationAsync(string backend)
    {
        var status = await Cluster.Admin(backend).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation);
        return long.Parse(status!.Epoch!.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes <paramref name="key"/> until it is acknowledged (a 503 or 504 is retried, with the same idempotency key); returns its version.</summary>
    private static async Task<(string Key, byte[] Value, string Version)> PutUntilAcknowledgedAsync(HttpClient client, string key)
    {
        var value = System.Text.Encoding.UTF8.GetBytes(key);
        string? version = null;
        await Eventually.HoldsAsync($"{key} to be acknowledged", FailoverDeadline, async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, KvRoutes.Key(key)) { Content = new ByteArrayContent(value) };
            request.Headers.Add(KvHeaders.IdempotencyKey, key);
            try
            {
                using var response = await client.SendAsync(request, token);
                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });
                version = response.StatusCode == HttpStatusCode.NoContent ? response.Headers.ETag?.Tag : null;
            }
            catch (HttpRequestException)
            {
                // The backend is still starting.
            }

            return version is not null;
        }, Cancellation);
        return (key, value, version!);
    }

    /// <summary>Whether <paramref name="resource"/> says it is a primary; null while it cannot answer (it is changing role, say).</summary>
    private async Task<bool?> IsPrimaryAsync(string resource)
    {
        try
        {
            return (await RedisServer.ListAsync(Cluster.App, await RedisPasswordAsync(), Cancellation, only: resource)).Single().IsPrimary;
        }
        catch (RedisException)
        {
            return null;
        }
    }

    private async Task<string> RedisPasswordAsync() =>
        ConfigurationOptions.Parse(await Cluster.RedisConnectionStringAsync(Cancellation)).Password
            ?? throw new InvalidOperationException("The Redis connection string has no password.");

    /// <summary>Starts every Redis server a previous test killed and waits until the primary has both replicas again.</summary>
    /// <summary>The replicated topology whole again (one primary, two replicas online) before the backends are awaited.</summary>
    protected override async Task PrepareClusterAsync()
    {
        await RestoreTopologyAsync();
        await base.PrepareClusterAsync();
    }

    private async Task RestoreTopologyAsync()
    {
        foreach (var resource in ReplicatedAppFixture.Servers.Where(Cluster.Resources.IsStopped))
        {
            await Cluster.Resources.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, Cancellation);
        }

        foreach (var resource in ReplicatedAppFixture.Servers)
        {
            await Cluster.Resources.WaitHealthyAsync(resource, Cancellation);
        }

        await Eventually.HoldsAsync("one primary with two replicas online", FailoverDeadline, async _ =>
        {
            try
            {
                var servers = await RedisServer.ListAsync(Cluster.App, await RedisPasswordAsync(), Cancellation);
                return servers.Count(server => server.IsPrimary) == 1 && servers.Single(server => server.IsPrimary).OnlineReplicas == 2;
            }
            catch (RedisException)
            {
                return false; // a server still starting
            }
        }, Cancellation);
    }

    /// <summary>
    /// Kills the current primary with SIGKILL; returns it. A signal of the test's own, not the dashboard's
    /// Crash, because the time to the next acknowledgement is measured from its return, and measured from the command's
    /// return it came out at 2-6 ms in three runs: the command returns well after the kill.
    /// </summary>
    private async Task<RedisServer> KillPrimaryAsync()
    {
        var primary = (await RedisServer.ListAsync(Cluster.App, await RedisPasswordAsync(), Cancellation)).Single(server => server.IsPrimary);
        await primary.SignalAsync("KILL");
        return primary;
    }
}
