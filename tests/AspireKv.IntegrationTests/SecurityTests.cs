using System.Net;
using System.Net.Http.Json;
using System.Text;
using AspireKv.Contracts;
using StackExchange.Redis;

namespace AspireKv.IntegrationTests;

/// <summary>
/// Who may do what, against the running cluster: admin endpoints need the cluster secret, the balancer forwards
/// only the public API, and a message published straight into Redis without the replication key is not applied.
/// </summary>
[Collection(GarnetCluster.Name)]
public sealed class SecurityTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    public static TheoryData<string> AdminPaths => [KvRoutes.AdminStatus, KvRoutes.AdminDigest, KvRoutes.AdminPeers];

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task AdminEndpoint_WithoutOrWithAWrongSecret_Is401(string path)
    {
        using var anonymous = await Cluster.Client("backend-1").GetAsync(path, Cancellation);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
        wrong.Headers.Authorization = new("Bearer", "not-the-secret");
        using var guessed = await Cluster.Client("backend-1").SendAsync(wrong, Cancellation);
        using var allowed = await Cluster.Admin("backend-1").GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Balancer_DoesNotForwardBackendAdminRoutes_EvenWithTheSecret(string path)
    {
        using var response = await Cluster.Admin("balancer").GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains(KvHeaders.ServedBy), "A backend answered through the balancer.");
    }

    [Fact]
    public async Task ForgedReplicationMessage_PublishedIntoRedis_IsAppliedNowhere()
    {
        var forgedKey = NewKey("forged");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Cluster.RedisConnectionStringAsync(Cancellation));

        // A well-formed message with a version far ahead, once unsigned and once signed with a guessed key.
        var body = new List<byte> { 1, (byte)'S' };
        foreach (var field in new[] { "backend-1", string.Empty, forgedKey })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            body.AddRange([(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes]);
        }

        var message = Encoding.ASCII.GetBytes("999999999\n").Concat(body).Concat("forged value"u8.ToArray()).ToArray();
        var guessedSignature = System.Security.Cryptography.HMACSHA256.HashData("guessed"u8, message);
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal("aspirekv:changes"), message);
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal("aspirekv:changes"), message.Concat(guessedSignature).ToArray());

        // Published after the forgeries, so once every backend has it they have seen the forgeries too.
        var marker = NewKey("after-forgery");
        await PutAsync(marker, "x"u8.ToArray());
        await WaitUntilEveryBackendHasAsync(marker);

        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            using var forged = await Cluster.Client(backend).GetAsync(KvRoutes.Key(forgedKey), Cancellation);
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
            var status = await Cluster.Admin(backend).GetFromJsonAsync(KvRoutes.AdminStatus, ContractsJsonContext.Default.NodeStatus, Cancellation);
            Assert.True(status!.HeadVersion < 999_999_999, $"{backend} took the forged version as the head.");
        }
    }
}
