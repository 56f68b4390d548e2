using System.Net;
using AspireKv.Contracts;

namespace AspireKv.Backend.Tests.Api;

/// <summary>
/// A strong read answers within its own wait even while Redis does not answer at all (a primary that died or hangs):
/// left to the balancer's timeout, the read would count against the backend's health.
/// </summary>
public sealed class StrongReadBoundTests : InProcessBackendTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StrongRead_WhileRedisDoesNotAnswer_Is503WhileTheCallIsStillOut()
    {
        var key = $"strong-bound-{Guid.NewGuid():N}";
        using (var put = await Backend.Client.PutAsync(KvRoutes.Key(key), new ByteArrayContent("v"u8.ToArray()), Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Backend.Log.StateAnswersHeldUntil = release.Task;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, KvRoutes.Key(key));
            request.Headers.Add(KvHeaders.Consistency, "strong");
            // The state read is never answered while this waits: only a bound of the backend's own can end the read.
            using var response = await Backend.Client.SendAsync(request, Cancellation).WaitAsync(Deadline, Cancellation);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Redis did not answer", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
            Assert.NotNull(response.Headers.RetryAfter);
        }
        finally
        {
            Backend.Log.StateAnswersHeldUntil = null;
            release.SetResult();
        }
    }
}
