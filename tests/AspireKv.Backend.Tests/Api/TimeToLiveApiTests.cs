using System.Net;
using System.Text.Json;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace AspireKv.Backend.Tests.Api;

/// <summary>Keys that expire, through the HTTP API of a whole in-process backend.</summary>
public sealed class TimeToLiveApiTests : InProcessBackendTests
{
    // Redis's clock, as the in-memory log reads it: it stands still until a test moves it, so no read races an expiry.
    private readonly FakeTimeProvider _redisClock;

    public TimeToLiveApiTests()
        : this(new FakeTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    private TimeToLiveApiTests(FakeTimeProvider redisClock)
        : base(redisClock: redisClock) => _redisClock = redisClock;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_WithTtl_IsServedWithTimeLeft_ThenExpiresAsACommittedDeleteWithItsReason()
    {
        var put = await Backend.Client.PutAsync("/kv/ttl-expires?ttl=30", new ByteArrayContent([1]), Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var version = long.Parse(put.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);

        var read = await Backend.Client.GetAsync("/kv/ttl-expires", Cancellation);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var left = double.Parse(read.Headers.GetValues(KvHeaders.ExpiresIn).Single(), System.Globalization.CultureInfo.InvariantCulture);
        // The estimate runs on from its last sample of the stopped clock (at most a sampling interval), and may sit
        // behind it by its own width.
        Assert.InRange(left, 25, 30.1);

        _redisClock.Advance(TimeSpan.FromSeconds(31));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        ReplicationEntry? expiry = null;
        while (expiry is null && DateTime.UtcNow < deadline)
        {
            var entries = await Backend.Log.ReadRangeAsync(version + 1, long.MaxValue, 100, null, Cancellation);
            expiry = entries.FirstOrDefault(e => e.Key == "ttl-expires");
            await Task.Delay(TimeSpan.FromMilliseconds(20), Cancellation); // a poll interval; the loop ends on the condition
        }

        Assert.NotNull(expiry);
        Assert.Equal(ChangeKind.Expire, expiry.Kind);
        Assert.Equal(HttpStatusCode.NotFound, (await Backend.Client.GetAsync("/kv/ttl-expires", Cancellation)).StatusCode);
        var listing = JsonSerializer.Deserialize(await Backend.Client.GetStringAsync("/kv?prefix=ttl-expires", Cancellation), ContractsJsonContext.Default.KeyPage)!;
        Assert.Empty(listing.Items);
    }

    [Fact]
    public async Task Put_WithoutTtl_ClearsAnEarlierExpiry_AndAListingShowsTimeLeft()
    {
        await Backend.Client.PutAsync("/kv/ttl-cleared?ttl=60", new ByteArrayContent([1]), Cancellation);
        await Backend.Client.PutAsync("/kv/ttl-kept?ttl=60", new ByteArrayContent([1]), Cancellation);
        await Backend.Client.PutAsync("/kv/ttl-cleared", new ByteArrayContent([2]), Cancellation);

        var read = await Backend.Client.GetAsync("/kv/ttl-cleared", Cancellation);
        Assert.False(read.Headers.Contains(KvHeaders.ExpiresIn));
        var listing = JsonSerializer.Deserialize(await Backend.Client.GetStringAsync("/kv?prefix=ttl-", Cancellation), ContractsJsonContext.Default.KeyPage)!;
        Assert.Null(listing.Items.Single(i => i.Key == "ttl-cleared").ExpiresIn);
        Assert.InRange(listing.Items.Single(i => i.Key == "ttl-kept").ExpiresIn!.Value, 55, 60);
    }

    [Theory]
    [InlineData("/kv/ttl-bad?ttl=0.05")]
    [InlineData("/kv/ttl-bad?ttl=abc")]
    [InlineData("/kv/ttl-bad?ttl=-1")]
    [InlineData("/kv/ttl-bad?ttl=1&ttl=2")]
    [InlineData("/kv/ttl-bad?ttl=400000000")]
    public async Task Put_WithInvalidTtl_Is400AndWritesNothing(string path)
    {
        var put = await Backend.Client.PutAsync(path, new ByteArrayContent([1]), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ttl", await put.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Backend.Client.GetAsync("/kv/ttl-bad", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Delete_WithTtl_Is400()
    {
        await Backend.Client.PutAsync("/kv/ttl-delete", new ByteArrayContent([1]), Cancellation);

        var delete = await Backend.Client.DeleteAsync("/kv/ttl-delete?ttl=5", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Backend.Client.GetAsync("/kv/ttl-delete", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_ReusedWithAnotherTtl_Is422()
    {
        using var first = new HttpRequestMessage(HttpMethod.Put, "/kv/ttl-idempotent?ttl=30") { Content = new ByteArrayContent([1]) };
        first.Headers.Add(KvHeaders.IdempotencyKey, "ttl-idempotent-1");
        using var second = new HttpRequestMessage(HttpMethod.Put, "/kv/ttl-idempotent?ttl=40") { Content = new ByteArrayContent([1]) };
        second.Headers.Add(KvHeaders.IdempotencyKey, "ttl-idempotent-1");

        Assert.Equal(HttpStatusCode.NoContent, (await Backend.Client.SendAsync(first, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Backend.Client.SendAsync(second, Cancellation)).StatusCode);
    }
}
