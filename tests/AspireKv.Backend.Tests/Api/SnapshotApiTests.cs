using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AspireKv.Contracts;
using AspireKv.Testing;

namespace AspireKv.Backend.Tests.Api;

/// <summary>
/// <c>GET</c> and <c>PUT /admin/snapshot</c> through the HTTP API: a snapshot saved from one in-process cluster and
/// restored into another.
/// </summary>
public sealed class SnapshotApiTests : InProcessBackendTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static long VersionOf(HttpResponseMessage response) =>
        long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);

    private async Task<byte[]> SaveAsync()
    {
        using var response = await Backend.Admin.GetAsync(KvRoutes.AdminSnapshot, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync(Cancellation);
    }

    private static Task<HttpResponseMessage> RestoreAsync(InProcessBackend target, byte[] file, string query = "") =>
        target.Admin.PutAsync(KvRoutes.AdminSnapshot + query, new ByteArrayContent(file), Cancellation);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string saying)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(saying, await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saved_ThenRestoredIntoAnEmptyCluster_ServesEveryKeyAtItsVersionWithItsExpiry_AndWritesGoOnPastTheBump()
    {
        var kept = VersionOf(await Backend.Client.PutAsync("/kv/snap-kept", new StringContent("kept"), Cancellation));
        await Backend.Client.PutAsync("/kv/snap-expiring?ttl=600", new StringContent("expiring"), Cancellation);
        await Backend.Client.PutAsync("/kv/snap-deleted", new StringContent("gone"), Cancellation);
        await Backend.Client.DeleteAsync("/kv/snap-deleted", Cancellation);
        var file = await SaveAsync();
        await using var target = await InProcessBackend.StartAsync();

        using var restoring = await RestoreAsync(target, file, "?bump=1000");

        Assert.Equal(HttpStatusCode.OK, restoring.StatusCode);
        var restored = (await restoring.Content.ReadFromJsonAsync(ContractsJsonContext.Default.SnapshotRestored, Cancellation))!;
        Assert.Equal((2L, 0L, true), (restored.Keys, restored.Deleted, restored.KeptVersions));
        Assert.Equal(kept + 3 + 1000, restored.Head);
        using var read = await target.Client.GetAsync("/kv/snap-kept", Cancellation);
        Assert.Equal("kept", await read.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(kept, VersionOf(read));
        using var expiring = await target.Client.GetAsync("/kv/snap-expiring", Cancellation);
        Assert.InRange(double.Parse(expiring.Headers.GetValues(KvHeaders.ExpiresIn).Single(), CultureInfo.InvariantCulture), 500, 600.1);
        Assert.Equal(HttpStatusCode.NotFound, (await target.Client.GetAsync("/kv/snap-deleted", Cancellation)).StatusCode);
        Assert.Equal(restored.Head + 1, VersionOf(await target.Client.PutAsync("/kv/snap-after", new StringContent("new"), Cancellation)));
    }

    [Fact]
    public async Task RestoreIntoAClusterThatHoldsData_IsRefusedUnlessForced_AndForcedItHoldsExactlyTheSnapshot()
    {
        await Backend.Client.PutAsync("/kv/snap-force-a", new StringContent("from the snapshot"), Cancellation);
        var file = await SaveAsync();
        await using var target = await InProcessBackend.StartAsync();
        await target.Client.PutAsync("/kv/snap-force-a", new StringContent("held before"), Cancellation);
        var heldOnly = VersionOf(await target.Client.PutAsync("/kv/snap-force-b", new StringContent("not in the snapshot"), Cancellation));

        await AssertProblemAsync(await RestoreAsync(target, file), HttpStatusCode.Conflict, "holds 2 keys");
        Assert.Equal("held before", await target.Client.GetStringAsync("/kv/snap-force-a", Cancellation));

        using var forced = await RestoreAsync(target, file, "?force=true&bump=0");
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        var restored = (await forced.Content.ReadFromJsonAsync(ContractsJsonContext.Default.SnapshotRestored, Cancellation))!;
        Assert.Equal((1L, 1L, false), (restored.Keys, restored.Deleted, restored.KeptVersions));
        using var read = await target.Client.GetAsync("/kv/snap-force-a", Cancellation);
        Assert.Equal("from the snapshot", await read.Content.ReadAsStringAsync(Cancellation));
        Assert.True(VersionOf(read) > heldOnly, "a restored key outranks every version the cluster had");
        Assert.Equal(HttpStatusCode.NotFound, (await target.Client.GetAsync("/kv/snap-force-b", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task CorruptOrTruncatedFile_Is400AndRestoresNothing()
    {
        await Backend.Client.PutAsync("/kv/snap-corrupt", new StringContent("value"), Cancellation);
        var file = await SaveAsync();
        await using var target = await InProcessBackend.StartAsync();
        var altered = (byte[])file.Clone();
        altered[Array.IndexOf(altered, (byte)'\n') + 10] ^= 1;

        await AssertProblemAsync(await RestoreAsync(target, file[..^20]), HttpStatusCode.BadRequest, "Nothing was restored");
        await AssertProblemAsync(await RestoreAsync(target, altered), HttpStatusCode.BadRequest, "Nothing was restored");

        Assert.Equal(HttpStatusCode.NotFound, (await target.Client.GetAsync("/kv/snap-corrupt", Cancellation)).StatusCode);
        Assert.Equal(0, (await target.Admin.GetFromJsonAsync(KvRoutes.AdminDigest, ContractsJsonContext.Default.StoreDigest, Cancellation))!.Keys);
    }

    [Theory]
    [InlineData("?bump=abc", "bump")]
    [InlineData("?bump=-1", "bump")]
    [InlineData("?bump=1000000000000000001", "bump")]
    [InlineData("?force=maybe", "force")]
    public async Task BadParameters_Are400(string query, string naming)
    {
        var file = await SaveAsync();

        await AssertProblemAsync(await RestoreAsync(Backend, file, query), HttpStatusCode.BadRequest, naming);
    }

    [Fact]
    public async Task WithoutTheClusterSecret_NeitherSaveNorRestore()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Backend.Client.GetAsync(KvRoutes.AdminSnapshot, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Backend.Client.PutAsync(KvRoutes.AdminSnapshot, new ByteArrayContent([]), Cancellation)).StatusCode);
    }
}
