using System.Net;

namespace AspireKv.Backend.Tests.Api;

/// <summary>Each limit of the key-value API at its edge and one past it, on a whole in-process backend.</summary>
public sealed class LimitsTests() : InProcessBackendTests(MaxValueBytes)
{
    private const int MaxValueBytes = AspireKv.Contracts.KvLimits.DefaultMaxValueBytes;

    private HttpClient Client => Backend.Client;

    private static string NewKey() => $"limits-{Guid.NewGuid():N}";

    private async Task<HttpResponseMessage> PutAsync(string path, int bytes) =>
        await Client.PutAsync(path, new ByteArrayContent(new byte[bytes]), TestContext.Current.CancellationToken);

    private static void AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Value_AtTheLimit_IsStored_AndOneBytePast_Is413()
    {
        using var atLimit = await PutAsync($"/kv/{NewKey()}", MaxValueBytes);
        var pastKey = NewKey();
        using var past = await PutAsync($"/kv/{pastKey}", MaxValueBytes + 1);
        using var read = await Client.GetAsync($"/kv/{pastKey}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, atLimit.StatusCode);
        AssertProblem(past, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Key_At512Bytes_IsAccepted_And513_Is400()
    {
        var prefix = NewKey();
        using var atLimit = await PutAsync($"/kv/{prefix}{new string('k', 512 - prefix.Length)}", 1);
        using var past = await PutAsync($"/kv/{prefix}{new string('k', 513 - prefix.Length)}", 1);

        Assert.Equal(HttpStatusCode.NoContent, atLimit.StatusCode);
        AssertProblem(past, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("a%20b")]
    [InlineData("a%09b")]
    [InlineData("a%01b")]
    [InlineData("a%C3%28")]
    [InlineData("a%25b")]
    public async Task Key_WithWhiteSpaceControlPercentOrInvalidUtf8_Is400(string encodedKey)
    {
        using var response = await PutAsync($"/kv/{encodedKey}", 1);

        AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("If-Match", "1")]
    [InlineData("If-Match", "W/\"1\"")]
    [InlineData("If-None-Match", "\"1\"")]
    [InlineData("Idempotency-Key", "has space")]
    [InlineData("X-Min-Version", "-5")]
    public async Task MalformedHeader_Is400(string header, string value)
    {
        using var request = new HttpRequestMessage(header == "X-Min-Version" ? HttpMethod.Get : HttpMethod.Put, $"/kv/{NewKey()}")
        {
            Content = header == "X-Min-Version" ? null : new ByteArrayContent([1]),
        };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);

        AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_AreProblemDetails()
    {
        using var unknown = await Client.GetAsync("/nothing-here", TestContext.Current.CancellationToken);
        using var wrongMethod = await Client.PostAsync($"/kv/{NewKey()}", new ByteArrayContent([1]), TestContext.Current.CancellationToken);

        AssertProblem(unknown, HttpStatusCode.NotFound);
        AssertProblem(wrongMethod, HttpStatusCode.MethodNotAllowed);
    }
}
