using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AspireKv.Backend.Tests.Replication;

public sealed class AppliedVersionWaiterTests
{
    private readonly Replica _replica = new(new KeyValueStore());
    private readonly FakeTimeProvider _time = new();

    private static ReplicationEntry Set(long version) => new(version, ChangeKind.Set, $"k{version}", [1], "test", null);

    [Fact]
    public async Task WaitForAsync_AlreadyApplied_ReturnsAtOnce()
    {
        using var waiter = new AppliedVersionWaiter(_replica, _time);
        _replica.Apply(Set(1));

        Assert.True(await waiter.WaitForAsync(1, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WaitForAsync_VersionArrivesLater_Completes()
    {
        using var waiter = new AppliedVersionWaiter(_replica, _time);
        var waiting = waiter.WaitForAsync(2, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        _replica.Apply(Set(2));
        Assert.False(waiting.IsCompleted); // 1 is still missing: 2 alone does not make 2 the applied version

        _replica.Apply(Set(1));

        Assert.True(await waiting);
    }

    [Fact]
    public async Task WaitForAsync_NeverApplied_FalseAfterTimeout()
    {
        using var waiter = new AppliedVersionWaiter(_replica, _time);
        var waiting = waiter.WaitForAsync(5, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(await waiting);
    }

    [Fact]
    public async Task WaitForAsync_FullSyncCoversVersion_Completes()
    {
        using var waiter = new AppliedVersionWaiter(_replica, _time);
        var waiting = waiter.WaitForAsync(9, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        _replica.CompleteFullSync(9);

        Assert.True(await waiting);
    }
}
