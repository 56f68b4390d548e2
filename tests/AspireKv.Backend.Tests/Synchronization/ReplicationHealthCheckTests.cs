using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using AspireKv.Backend.Synchronization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireKv.Backend.Tests.Synchronization;

/// <summary>
/// Readiness: only the first load takes a backend out of rotation. A reload after it (every backend reloads at once
/// after a restore or a failover) leaves the backend serving local reads from memory.
/// </summary>
public sealed class ReplicationHealthCheckTests
{
    private readonly ReplicationStatus _status = new();

    private async Task<HealthStatus> CheckAsync() =>
        (await new ReplicationHealthCheck(_status, new Replica(new KeyValueStore()))
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken)).Status;

    [Fact]
    public async Task FirstLoad_IsUnhealthy_AndNotReady()
    {
        _status.FullResyncStarted();

        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync());
        Assert.False(_status.Ready);
        Assert.False(_status.Reloading);
    }

    [Fact]
    public async Task ReloadAfterTheFirstLoad_IsDegraded_AndStaysReady()
    {
        _status.FullResyncStarted();
        _status.FullResyncCompleted(Epochs.Format(1, "first"));

        _status.FullResyncStarted();

        Assert.Equal(HealthStatus.Degraded, await CheckAsync());
        Assert.True(_status.Ready);
        Assert.True(_status.Reloading);
    }

    [Fact]
    public async Task ReloadCompleted_IsHealthy()
    {
        _status.FullResyncStarted();
        _status.FullResyncCompleted(Epochs.Format(1, "first"));
        _status.FullResyncStarted();

        _status.FullResyncCompleted(Epochs.Format(2, "second"));

        Assert.Equal(HealthStatus.Healthy, await CheckAsync());
        Assert.False(_status.Reloading);
    }
}
