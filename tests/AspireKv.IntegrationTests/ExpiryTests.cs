using System.Globalization;
using System.Net;
using AspireKv.ApiClient;
using AspireKv.Contracts;

namespace AspireKv.IntegrationTests;

/// <summary>Keys that expire, across the backends of a running cluster.</summary>
[Collection(GarnetCluster.Name)]
public sealed class ExpiryTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    private static readonly string[] Backends = ["backend-1", "backend-2", "backend-3"];

    [Fact]
    public async Task KeyWithTtl_IsServedWithTimeLeftEverywhere_ThenEveryBackendAndAWatchSeeItExpire()
    {
        var key = NewKey("expiring");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        using var write = await Cluster.Client("backend-1").PutAsync(KvRoutes.Key(key) + "?ttl=2", new StringContent("v"), deadline.Token);
        Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        var version = long.Parse(write.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);

        // Each backend serves it, with the time it has left, once the write has reached it (the token makes it wait).
        foreach (var backend in Backends)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, KvRoutes.Key(key));
            read.Headers.Add(KvHeaders.Consistency, "session");
            read.Headers.Add(KvHeaders.MinVersion, version.ToString(CultureInfo.InvariantCulture));
            using var answer = await Cluster.Client(backend).SendAsync(read, deadline.Token);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                // The time left is measured on the backend's estimate of Redis's clock, which may sit behind it by its width.
                Assert.InRange(double.Parse(answer.Headers.GetValues(KvHeaders.ExpiresIn).Single(), CultureInfo.InvariantCulture), 0, 2.1);
            }
            else
            {
                // Only if it has already expired (a slow machine): then it must be gone.
                Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            }
        }

        ChangeEvent? expired = null;
        await foreach (var change in new KeyValueApiClient(Cluster.Client("backend-2")).WatchAsync(key, version, deadline.Token))
        {
            if (change.Key == key && change.Kind == "delete")
            {
                expired = change;
                break;
            }
        }

        Assert.NotNull(expired);
        Assert.Equal("expired", expired.Reason);
        foreach (var backend in Backends)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, KvRoutes.Key(key));
            read.Headers.Add(KvHeaders.Consistency, "session");
            read.Headers.Add(KvHeaders.MinVersion, expired.Version.ToString(CultureInfo.InvariantCulture));
            using var answer = await Cluster.Client(backend).SendAsync(read, deadline.Token);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }

        using var strong = new HttpRequestMessage(HttpMethod.Get, KvRoutes.Key(key));
        strong.Headers.Add(KvHeaders.Consistency, "strong");
        Assert.Equal(HttpStatusCode.NotFound, (await Cluster.Client("backend-3").SendAsync(strong, deadline.Token)).StatusCode);
    }
}
