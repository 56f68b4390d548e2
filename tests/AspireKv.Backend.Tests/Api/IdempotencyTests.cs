using System.Net;
using AspireKv.Contracts;

namespace AspireKv.Backend.Tests.Api;

/// <summary>Idempotency keys over HTTP on a whole in-process backend: a retry is replayed, a reuse is refused.</summary>
public sealed class IdempotencyTests : InProcessBackendTests
{
    private async Task<HttpResponseMessage> PutAsync(string key, string value, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, KvRoutes.Key(key)) { Content = new StringContent(value) };
        request.Headers.Add(KvHeaders.IdempotencyKey, idempotencyKey);
        return await Backend.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Retry_WithTheSameKeyAndWrite_IsAnsweredWithTheFirstVersion()
    {
        var key = $"idem-{Guid.NewGuid():N}";
        var idempotencyKey = Guid.NewGuid().ToString("N");

        using var first = await PutAsync(key, "v", idempotencyKey);
        using var retry = await PutAsync(key, "v", idempotencyKey);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
    }

    [Fact]
    public async Task TheSameKeyOnADifferentWrite_Is422_AndNothingIsWritten()
    {
        var key = $"idem-{Guid.NewGuid():N}";
        var other = $"idem-{Guid.NewGuid():N}";
        var idempotencyKey = Guid.NewGuid().ToString("N");

        using var first = await PutAsync(key, "v", idempotencyKey);
        using var otherValue = await PutAsync(key, "w", idempotencyKey);
        using var otherKey = await PutAsync(other, "v", idempotencyKey);
        using var read = await Backend.Client.GetAsync(KvRoutes.Key(key), TestContext.Current.CancellationToken);
        using var readOther = await Backend.Client.GetAsync(KvRoutes.Key(other), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.All([otherValue, otherKey], response =>
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        });
        Assert.Contains("different write", await otherKey.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("v", await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, readOther.StatusCode);
    }
}
