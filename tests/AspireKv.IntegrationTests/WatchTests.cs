using System.Net;
using AspireKv.ApiClient;
using AspireKv.Contracts;

namespace AspireKv.IntegrationTests;

/// <summary>Watches across backends: the events come from the shared log, so any backend tells the same story.</summary>
[Collection(GarnetCluster.Name)]
public sealed class WatchTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    [Fact]
    public async Task ChangeThroughOneBackend_ArrivesOnAWatchHeldOnAnother()
    {
        var prefix = NewKey("watched");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var events = new KeyValueApiClient(Cluster.Client("backend-2")).WatchAsync(prefix, from: null, deadline.Token).GetAsyncEnumerator(deadline.Token);
        var first = events.MoveNextAsync().AsTask();

        // The watch may connect after the write: write until it sees one (each write a new key, all under the prefix).
        var written = 0;
        while (!first.IsCompleted)
        {
            using var write = await Cluster.Client("backend-1").PutAsync(KvRoutes.Key($"{prefix}-{written++}"), new StringContent("v"), deadline.Token);
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
            await Task.WhenAny(first, Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token));
        }

        Assert.True(await first);
        Assert.StartsWith(prefix, events.Current.Key, StringComparison.Ordinal);
        Assert.Equal("set", events.Current.Kind);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task WatchResumedFromAVersion_OnAnotherBackend_ReceivesEverythingAfterIt()
    {
        var prefix = NewKey("resumed");
        var versions = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            using var write = await Cluster.Client("backend-1").PutAsync(KvRoutes.Key($"{prefix}-{i}"), new StringContent($"v{i}"), Cancellation);
            versions.Add(long.Parse(write.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture));
        }

        // A client that got the first two events and reconnects, to backend-3 this time, with the second as Last-Event-ID.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var received = new List<ChangeEvent>();
        await foreach (var change in new KeyValueApiClient(Cluster.Client("backend-3")).WatchAsync(prefix, versions[1], deadline.Token))
        {
            received.Add(change);
            if (received.Count == 4)
            {
                break;
            }
        }

        Assert.Equal(versions[2..], received.Select(e => e.Version));
        Assert.Equal([$"{prefix}-2", $"{prefix}-3", $"{prefix}-4", $"{prefix}-5"], received.Select(e => e.Key));
    }
}
