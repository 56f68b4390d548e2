using System.Net;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;

namespace AspireKv.Backend.Tests.Api;

/// <summary>
/// A whole in-process backend applies published writes of the epoch it has loaded and no other: a late message of a
/// demoted primary (an older generation) must not reach its store, whatever its version.
/// </summary>
public sealed class EpochFenceTests : InProcessBackendTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<ReplicationEntry> NextWriteAsync(string key, string? epoch)
    {
        var state = await Backend.Log.ReadStateAsync(Cancellation);
        return new ReplicationEntry(state.Head + 1, ChangeKind.Set, key, "from the channel"u8.ToArray(), "another-backend", null, epoch);
    }

    [Fact]
    public async Task MessageOfAnOlderEpoch_IsNotApplied()
    {
        var key = $"fence-{Guid.NewGuid():N}";
        var current = (await Backend.Log.ReadStateAsync(Cancellation)).Epoch!;
        var older = Epochs.Format(Epochs.GenerationOf(current) - 1, "demoted");

        Backend.Log.Deliver(await NextWriteAsync(key, older));
        using var afterOld = await Backend.Client.GetAsync(KvRoutes.Key(key), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, afterOld.StatusCode);
    }

    [Fact]
    public async Task MessageOfTheLoadedEpoch_IsApplied()
    {
        // The control for the test above: the same message in the loaded epoch reaches the store.
        var key = $"fence-{Guid.NewGuid():N}";
        var current = (await Backend.Log.ReadStateAsync(Cancellation)).Epoch!;

        Backend.Log.Deliver(await NextWriteAsync(key, current));
        using var afterCurrent = await Backend.Client.GetAsync(KvRoutes.Key(key), Cancellation);

        Assert.Equal(HttpStatusCode.OK, afterCurrent.StatusCode);
    }
}
