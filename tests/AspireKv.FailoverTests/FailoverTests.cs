using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using AspireKv.Contracts;
using AspireKv.IntegrationTests;
using StackExchange.Redis;

namespace AspireKv.FailoverTests;

/// <summary>
/// The replicated topology: the primary dies and the Sentinels promote a replica while clients keep writing. Every
/// acknowledged write must survive, and the backends must agree afterwards.
/// </summary>
[Collection(ReplicatedCluster.Name)]
public sealed class FailoverTests(ReplicatedAppFixture cluster) : ClusterTestBase(cluster)
{
    private const int Writers = 4;
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PrimaryKilledUnderWrites_EveryAcknowledgedWriteSurvives_AndAnswersAreOnly2xx503Or504()
    {
        await Cluster.WaitUntilBalancerRoutesToAllAsync(Cancellation);
        var prefix = NewKey("failover");
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var acknowledgedAfterKill = 0;
        var killed = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"{prefix}-{writer}-{i}";
                var value = System.Text.Encoding.UTF8.GetBytes($"{writer}:{i}");
                using var request = new HttpRequestMessage(HttpMethod.Put, KvRoutes.Key(key)) { Content = new ByteArrayContent(value) };
                request.Headers.Add(KvHeaders.IdempotencyKey, key);
                HttpStatusCode status;
                try
                {
                    using var response = await Cluster.Balancer.SendAsync(request, stop.Token);
                    status = response.StatusCode;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }

                statuses.Add(status);
                if (status == HttpStatusCode.NoContent)
                {
                    acknowledged[key] = value;
                    if (Volatile.Read(ref killed))
                    {
                        Interlocked.Increment(ref acknowledgedAfterKill);
                    }
                }
            }
        })).ToList();

        await Eventually.HoldsAsync("writes to be acknowledged before the kill", TimeSpan.FromSeconds(30), _ => Task.FromResult(acknowledged.Count >= 50), Cancellation);
        var primary = await KillPrimaryAsync();
        Volatile.Write(ref killed, true);
        await Eventually.HoldsAsync($"writes to be acknowledged again after {primary} was killed", FailoverDeadline, _ => Task.FromResult(Volatile.Read(ref acknowledgedAfterKill) >= 50), Cancellation);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.NoContent, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout }));
        await AssertConvergedWithAllWritesAsync([.. acknowledged.Select(pair => (pair.Key, pair.Value))]);
    }

    /// <summary>Kills the current primary, as the Sentinels name it, with SIGKILL; returns its address.</summary>
    private async Task<string> KillPrimaryAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Cluster.RedisConnectionStringAsync(Cancellation) + ",allowAdmin=true");
        var primary = redis.GetServers().Single(server => !server.IsReplica);
        var info = await primary.InfoAsync("server");
        var processId = int.Parse(info.SelectMany(group => group).Single(pair => pair.Key == "process_id").Value, CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(processId);
        process.Kill();
        return primary.EndPoint.ToString() ?? "the primary";
    }
}
