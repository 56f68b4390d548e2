using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using AspireKv.Contracts;

namespace AspireKv.IntegrationTests;

/// <summary>
/// The balancer under load and faults: concurrent clients see no error when a backend is killed or hangs, and
/// its registry refuses anyone without the secret. Runs on the Garnet cluster only: Redis plays no part here.
/// </summary>
[Collection(GarnetCluster.Name)]
public sealed class BalancerTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task BackendKilledUnderConcurrentLoad_NoClientRequestFails_AndItGetsTrafficAgainWhenRestarted()
    {
        const string victim = "backend-2";
        var key = await PrepareKeyOnEveryBackendAsync(nameof(BackendKilledUnderConcurrentLoad_NoClientRequestFails_AndItGetsTrafficAgainWhenRestarted));
        var status = await Cluster.Admin(victim).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation);

        var load = await RunLoadAsync(key, LoadDuration / 2, () =>
        {
            using var process = Process.GetProcessById(status!.ProcessId);
            process.Kill();
        });

        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Requests} requests failed: {string.Join("; ", load.Failures.Take(5))}");
        Assert.DoesNotContain(victim, load.ServedAfterFault);
        Assert.True(load.Requests > 100, $"Only {load.Requests} requests were made.");

        await Cluster.Resources.WaitUntilStoppedAsync(victim, Cancellation);
        await Cluster.Resources.ExecuteCommandAsync(victim, KnownResourceCommands.StartCommand, Cancellation);
        await WaitHealthyAsync(victim);
        await Eventually.HoldsAsync($"the balancer to send traffic to {victim} again", RestartDeadline, async token =>
        {
            using var response = await Cluster.Balancer.GetAsync(KvRoutes.Key(key), token);
            return ServedBy(response) == victim;
        }, Cancellation);
    }

    [Fact]
    public async Task BackendHungWithSigstop_NoClientRequestFails_AndTheDelayIsBounded()
    {
        const string victim = "backend-1";
        var key = await PrepareKeyOnEveryBackendAsync(nameof(BackendHungWithSigstop_NoClientRequestFails_AndTheDelayIsBounded));
        var status = await Cluster.Admin(victim).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation);
        LoadResult load;
        try
        {
            load = await RunLoadAsync(key, LoadDuration / 2, () => Signal("STOP", status!.ProcessId));
        }
        finally
        {
            Signal("CONT", status!.ProcessId);
        }

        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Requests} requests failed: {string.Join("; ", load.Failures.Take(5))}");
        // Not a performance assertion: without the balancer's request timeout a request to the hung backend would
        // wait YARP's default 100 s; with it (3 s) the slowest request stays far below this bound.
        Assert.True(load.Slowest < TimeSpan.FromSeconds(30), $"The slowest request took {load.Slowest}.");
        TestContext.Current.TestOutputHelper?.WriteLine($"{load.Requests} requests, slowest {load.Slowest.TotalMilliseconds:0} ms.");

        await Cluster.WaitUntilBalancerRoutesToAllAsync(Cancellation);
    }

    [Fact]
    public async Task Registry_WithoutTheSecretOrWithAWrongOne_Is401AndChangesNothing()
    {
        // A backend restarted by an earlier test registers on its next renewal: that must not land between the snapshots.
        await Eventually.HoldsAsync("every backend to be registered", ReplicationDeadline, async token =>
        {
            var backends = await Cluster.Registry.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, token);
            return AspireKvAppFixture.BackendNames.All(name => backends!.Any(b => b.Name == name && b.Registered));
        }, Cancellation);
        var before = await Cluster.Registry.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, Cancellation);
        var intruder = new BackendRegistration("intruder", "http://127.0.0.1:9");

        foreach (var authorization in new[] { null, "Bearer wrong-secret", "Basic aW50cnVkZXI6eA==" })
        {
            using var register = new HttpRequestMessage(HttpMethod.Put, $"{KvRoutes.Registry}/intruder")
            {
                Content = JsonContent.Create(intruder, ContractsJsonContext.Default.BackendRegistration),
            };
            using var deregister = new HttpRequestMessage(HttpMethod.Delete, $"{KvRoutes.Registry}/backend-1");
            using var list = new HttpRequestMessage(HttpMethod.Get, KvRoutes.Registry);
            foreach (var request in new[] { register, deregister, list })
            {
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }

                using var response = await Cluster.Balancer.SendAsync(request, Cancellation);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        var after = await Cluster.Registry.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, Cancellation);
        Assert.Equal(before!.Select(b => (b.Id, b.Name, b.Registered)), after!.Select(b => (b.Id, b.Name, b.Registered)));
        Assert.DoesNotContain(after!, b => b.Name == "intruder");
    }

    [Fact]
    public async Task Registry_ShowsEveryBackendWithHealthTrafficProbesAndLag()
    {
        await Eventually.HoldsAsync("every backend to report its replication state", ReplicationDeadline, async token =>
        {
            var backends = await Cluster.Registry.GetFromJsonAsync(KvRoutes.Registry, ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, token);
            return AspireKvAppFixture.BackendNames.All(name => backends!.Any(b =>
                b.Name == name && b.Registered && b.Discovered && b.ActiveHealth == "Healthy"
                && b.LastProbeSucceeded == true && b.LastProbeSecondsAgo < 10 && b.ReplicationLag is not null && b.AppliedVersion is not null));
        }, Cancellation);
    }

    // Concurrent clients through the balancer (reads, and writes with idempotency keys) for LoadDuration; the
    // fault runs after faultAfter. Records every failure and which backends served after the fault.
    private async Task<LoadResult> RunLoadAsync(string key, TimeSpan faultAfter, Action fault)
    {
        var failures = new ConcurrentBag<string>();
        var servedAfterFault = new ConcurrentBag<string>();
        var faulted = 0;
        var requests = 0;
        var slowestTicks = 0L;
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < LoadDuration; i++)
            {
                var afterFault = Volatile.Read(ref faulted) == 1;
                using var request = i % 4 == 0
                    ? new HttpRequestMessage(HttpMethod.Put, KvRoutes.Key($"{key}-{client}-{i}")) { Content = new ByteArrayContent([1, 2, 3]) }
                    : new HttpRequestMessage(HttpMethod.Get, KvRoutes.Key(key));
                if (request.Method == HttpMethod.Put)
                {
                    request.Headers.Add(KvHeaders.IdempotencyKey, Guid.NewGuid().ToString("N"));
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await Cluster.Balancer.SendAsync(request, Cancellation);
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Add($"{request.Method} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
                    }
                    else if (afterFault)
                    {
                        servedAfterFault.Add(ServedBy(response)!);
                    }
                }
                catch (HttpRequestException exception)
                {
                    failures.Add($"{request.Method} {exception.Message}");
                }

                var elapsed = Stopwatch.GetElapsedTime(started).Ticks;
                InterlockedMax(ref slowestTicks, elapsed);
                Interlocked.Increment(ref requests);
            }
        }, Cancellation)).ToList();

        await Task.Delay(faultAfter, Cancellation);
        fault();
        Volatile.Write(ref faulted, 1);
        await Task.WhenAll(clients);
        return new LoadResult(requests, failures, [.. servedAfterFault], TimeSpan.FromTicks(slowestTicks));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static void Signal(string signal, int processId)
    {
        using var kill = Process.Start("kill", [$"-{signal}", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private sealed record LoadResult(int Requests, ConcurrentBag<string> Failures, List<string> ServedAfterFault, TimeSpan Slowest);
}
