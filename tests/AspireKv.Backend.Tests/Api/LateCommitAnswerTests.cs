using System.Net;
using System.Net.Http.Json;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.Backend.Tests.Api;

/// <summary>
/// A commit whose answer arrives after the backend began writing its memory back into Redis (a restore) may be in
/// neither the written-back copy nor the new primary's: it must not be acknowledged, nor announced to the other backends.
/// </summary>
public sealed class LateCommitAnswerTests : InProcessBackendTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CommitAnsweredAfterARestoreBegan_IsOutcomeUnknown()
    {
        var restoresBefore = await RestoresAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var put = await PutWithAnswerHeldAsync(release.Task);

        Backend.Log.LoseEverything();
        await ProcessCluster.EventuallyAsync("the backend to begin a restore", Deadline, async () => await RestoresAsync() > restoresBefore);
        release.SetResult();
        using var response = await put;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        // Nor announced: no other backend may serve a write its writer did not acknowledge.
        Assert.Empty(Backend.Log.Published);
    }

    [Fact]
    public async Task CommitAnsweredLate_WithoutARestore_IsAcknowledged()
    {
        // The control for the test above: a late answer alone changes nothing.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var put = await PutWithAnswerHeldAsync(release.Task);

        release.SetResult();
        using var response = await put;

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Single(Backend.Log.Published);
    }

    /// <summary>Sends a PUT of a new key whose commit is decided at once and answered once <paramref name="held"/> completes.</summary>
    private async Task<Task<HttpResponseMessage>> PutWithAnswerHeldAsync(Task held)
    {
        Backend.Log.AnswersHeldUntil = held;
        var put = Backend.Client.PutAsync(KvRoutes.Key($"late-{Guid.NewGuid():N}"), new ByteArrayContent("late"u8.ToArray()), Cancellation);
        await ProcessCluster.EventuallyAsync("the commit to be decided", Deadline, async () =>
            (await Backend.Log.ReadStateAsync(Cancellation)).Head > 0);
        Backend.Log.AnswersHeldUntil = null;
        return put;
    }

    private async Task<long> RestoresAsync() =>
        (await Backend.Admin.GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation))!.Restores;
}
