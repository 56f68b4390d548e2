using System.Diagnostics;
using System.Globalization;
using AspireKv.Contracts;
using AspireKv.Chaos.History;
using AspireKv.Chaos.Running;
using AspireKv.Testing;

namespace AspireKv.Chaos.Faults;

/// <summary>
/// Injects the planned faults one after another into the running cluster while the clients work, heals each
/// one, and waits for the cluster to be whole again before the next: every backend ready and registered with the
/// balancer, and a write and a strong read through the balancer answered (a restore after Redis lost its data pauses writes although every
/// backend is up). Records when each fault began, ended and was recovered from, on the clients' clock.
/// </summary>
internal sealed class Nemesis(ChaosCluster cluster, HttpClient http, Stopwatch clock, TimeSpan slowLinkDelay, TimeSpan recoveryTimeout)
{
    private int _probes;

    // The server or Sentinel a fault of the replicated topology took, named when it began (the plan names a role).
    private ServiceProcess? _struck;

    private readonly List<FaultEvent> _events = [];

    public IReadOnlyList<FaultEvent> Events => _events;

    /// <summary>Faults the cluster did not recover from within the timeout: each is a failed liveness check.</summary>
    public List<string> Unrecovered { get; } = [];

    public async Task RunAsync(IEnumerable<PlannedFault> plan, CancellationToken stop)
    {
        foreach (var fault in plan)
        {
            try
            {
                await Task.Delay(fault.PauseBefore, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var started = Now();
            _struck = null;
            await BeginAsync(fault).ConfigureAwait(false);
            // A fault lasts its duration even if the run ends meanwhile; healing is never skipped.
            await Task.Delay(fault.Duration, CancellationToken.None).ConfigureAwait(false);
            await EndAsync(fault).ConfigureAwait(false);
            var ended = Now();
            var recovered = await WaitRecoveredAsync(fault).ConfigureAwait(false);
            // A role ("primary", "replica") is followed by the server that had it.
            var target = _struck is { } struck && struck.Name != fault.Target ? $"{fault.Target} {struck.Name}" : fault.Target;
            _events.Add(new FaultEvent(fault.Kind.ToString(), target, started, ended, recovered ? Now() : null));
            if (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task BeginAsync(PlannedFault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.KillBackend:
                await cluster.Backend(fault.Target).Process.KillAsync().ConfigureAwait(false);
                break;
            case FaultKind.PauseBackend:
                await cluster.Backend(fault.Target).Process.PauseAsync().ConfigureAwait(false);
                break;
            case FaultKind.CutBackendFromRedis:
                Link(fault).Cut();
                break;
            case FaultKind.SlowBackendLink:
                Link(fault).Delay = slowLinkDelay;
                break;
            case FaultKind.RestartRedis or FaultKind.RestartRedisEmpty:
                await cluster.Redis.KillAsync().ConfigureAwait(false);
                break;
            case FaultKind.RestartBalancer:
                await cluster.Balancer.KillAsync().ConfigureAwait(false);
                break;
            case FaultKind.KillPrimary:
                _struck = await PrimaryAsync().ConfigureAwait(false);
                await _struck.KillAsync().ConfigureAwait(false);
                break;
            case FaultKind.HangPrimary:
                _struck = await PrimaryAsync().ConfigureAwait(false);
                await _struck.PauseAsync().ConfigureAwait(false);
                break;
            case FaultKind.KillReplica:
                var primary = await PrimaryAsync().ConfigureAwait(false);
                _struck = cluster.Replicated.Servers.First(server => server != primary);
                await _struck.KillAsync().ConfigureAwait(false);
                break;
            case FaultKind.HangSentinel:
                _struck = cluster.Replicated.Sentinels.Single(sentinel => sentinel.Name == fault.Target);
                await _struck.PauseAsync().ConfigureAwait(false);
                break;
        }
    }

    // Until the Sentinels name another server than the failed primary; the recovery limit bounds the wait.
    private async Task WaitForPromotionAsync(ServiceProcess failed)
    {
        var promotion = Stopwatch.StartNew();
        while (await cluster.Replicated.NamedPrimaryAsync().ConfigureAwait(false) is var named && (named is null || named == failed)
            && promotion.Elapsed < recoveryTimeout)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    // The recovery wait before every fault leaves the Sentinels agreeing on one primary.
    private async Task<ServiceProcess> PrimaryAsync() =>
        await cluster.Replicated.NamedPrimaryAsync().ConfigureAwait(false)
        ?? throw new InvalidOperationException("No Sentinel names a primary.");

    private async Task EndAsync(PlannedFault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.KillBackend:
                await ChaosCluster.RestartAsync(cluster.Backend(fault.Target).Process).ConfigureAwait(false);
                break;
            case FaultKind.PauseBackend:
                await cluster.Backend(fault.Target).Process.ResumeAsync().ConfigureAwait(false);
                break;
            case FaultKind.CutBackendFromRedis:
                Link(fault).Restore();
                break;
            case FaultKind.SlowBackendLink:
                Link(fault).Delay = TimeSpan.Zero;
                break;
            case FaultKind.RestartRedis or FaultKind.RestartRedisEmpty:
                await cluster.RestartRedisAsync(keepData: fault.Kind == FaultKind.RestartRedis).ConfigureAwait(false);
                break;
            case FaultKind.RestartBalancer:
                await ChaosCluster.RestartAsync(cluster.Balancer).ConfigureAwait(false);
                break;
            case FaultKind.KillPrimary:
                // Started again only once a replica is promoted, as a replica of it.
                await WaitForPromotionAsync(_struck!).ConfigureAwait(false);
                await cluster.Replicated.RestartAsReplicaAsync(_struck!).ConfigureAwait(false);
                break;
            case FaultKind.HangPrimary:
                // Resumed only once a replica is promoted. A shorter hang may or may not start a failover, which would
                // then finish after the recovery check, inside the next fault's window, and be blamed on it.
                await WaitForPromotionAsync(_struck!).ConfigureAwait(false);
                await _struck!.ResumeAsync().ConfigureAwait(false);
                break;
            case FaultKind.KillReplica:
                await cluster.Replicated.RestartAsReplicaAsync(_struck!).ConfigureAwait(false);
                break;
            case FaultKind.HangSentinel:
                await _struck!.ResumeAsync().ConfigureAwait(false);
                break;
        }
    }

    private async Task<bool> WaitRecoveredAsync(PlannedFault fault)
    {
        var deadline = Stopwatch.StartNew();
        try
        {
            foreach (var backend in cluster.Backends)
            {
                await ProcessCluster.WaitHealthyAsync(backend.Process.Address, recoveryTimeout).ConfigureAwait(false);
            }

            await ProcessCluster.WaitHealthyAsync(cluster.Balancer.Address, recoveryTimeout).ConfigureAwait(false);
            // After a balancer restart the registry fills as the backends renew; the next fault must not find it half full.
            await cluster.WaitRegisteredAsync(recoveryTimeout).ConfigureAwait(false);
            // Behind Sentinel the next fault must find both replicas following the primary, or killing the primary
            // could promote a replica without its data: one fault at a time.
            while (cluster.IsReplicated && !await cluster.Replicated.IsWholeAsync().ConfigureAwait(false))
            {
                if (deadline.Elapsed > recoveryTimeout)
                {
                    throw new TimeoutException($"The primary does not have both replicas online, or the Sentinels disagree, after {recoveryTimeout.TotalSeconds:0} s.");
                }

                await Task.Delay(50).ConfigureAwait(false);
            }
            while (!await ProbeAsync().ConfigureAwait(false))
            {
                if (deadline.Elapsed > recoveryTimeout)
                {
                    throw new TimeoutException($"Writes or strong reads through the balancer still fail after {recoveryTimeout.TotalSeconds:0} s.");
                }

                await Task.Delay(50).ConfigureAwait(false);
            }

            return true;
        }
        catch (TimeoutException exception)
        {
            Unrecovered.Add($"{fault.Kind} of {fault.Target}: {exception.Message}");
            await cluster.HealAsync().ConfigureAwait(false);
            return false;
        }
    }

    // A write and a strong read on a key of the nemesis's own, outside the checked history.
    private async Task<bool> ProbeAsync()
    {
        var key = KvRoutes.Key(string.Create(CultureInfo.InvariantCulture, $"nemesis-probe-{++_probes}"));
        try
        {
            using var write = await http.PutAsync(new Uri(cluster.Balancer.Address, key), new ByteArrayContent([1])).ConfigureAwait(false);
            using var read = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.Balancer.Address, key));
            read.Headers.Add(KvHeaders.Consistency, "strong");
            using var answer = await http.SendAsync(read).ConfigureAwait(false);
            return write.IsSuccessStatusCode && answer.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private TcpFaultProxy Link(PlannedFault fault) =>
        cluster.Backend(fault.Target).RedisLink ?? throw new InvalidOperationException($"{fault.Kind} needs a link of its own to Redis, which the replicated topology does not have.");

    private long Now() => (long)clock.Elapsed.TotalMicroseconds;
}
