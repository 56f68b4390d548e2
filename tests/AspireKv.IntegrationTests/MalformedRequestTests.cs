using System.Net;
using System.Net.Sockets;
using System.Text;
using AspireKv.Contracts;

namespace AspireKv.IntegrationTests;

/// <summary>
/// Requests no HTTP client library would send, written byte by byte to a real backend and through the real
/// balancer (Kestrel): each gets a 4xx, never a 5xx, and changes nothing.
/// </summary>
[Collection(GarnetCluster.Name)]
public sealed class MalformedRequestTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    public static TheoryData<string> Targets => ["backend-1", "balancer"];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task NulInPath_Is400(string target) =>
        Assert.Equal(400, await SendRawAsync(target, "GET /kv/a%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray()));

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task RawInvalidUtf8InPath_Is400(string target) =>
        Assert.Equal(400, await SendRawAsync(target, [.. "GET /kv/a"u8, 0xC3, 0x28, .. " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8]));

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task HeadersLargerThan32KiB_Are431(string target)
    {
        var huge = new string('h', 40 * 1024);
        Assert.Equal(431, await SendRawAsync(target, Encoding.ASCII.GetBytes($"GET /kv/a HTTP/1.1\r\nHost: x\r\nX-Huge: {huge}\r\nConnection: close\r\n\r\n")));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task TruncatedBody_Is4xxAndWritesNothing(string target)
    {
        var key = NewKey(nameof(TruncatedBody_Is4xxAndWritesNothing));
        var status = await SendRawAsync(target, Encoding.ASCII.GetBytes($"PUT {KvRoutes.Key(key)} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this"), closeAfterSending: true);

        Assert.InRange(status, 0, 499); // 0: the server closed without an answer, as it may for a body that never comes
        foreach (var backend in AspireKvAppFixture.BackendNames)
        {
            using var read = await Cluster.Client(backend).GetAsync(KvRoutes.Key(key), Cancellation);
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        }
    }

    [Fact]
    public async Task HeadersNotFinishedWithinTheHeadersTimeout_AreCutOff()
    {
        // Kestrel:Limits:RequestHeadersTimeout is 10 s; a client that never finishes its headers gets 408 or is closed.
        var status = await SendRawAsync("backend-1", "GET /kv/a HTTP/1.1\r\nHost: x\r\n"u8.ToArray());

        Assert.True(status is 0 or 408, $"Answered {status}.");
    }

    [Fact]
    public async Task BodySentSlowerThanTheMinimumRate_IsCutOffAndWritesNothing()
    {
        var key = NewKey(nameof(BodySentSlowerThanTheMinimumRate_IsCutOffAndWritesNothing));
        var endpoint = Cluster.Client("backend-1").BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, Cancellation);
        using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"PUT {KvRoutes.Key(key)} HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n"), Cancellation);

        // One byte a second, far below Kestrel's minimum of 240 bytes/s: the connection is cut after the 5 s grace.
        var cutOff = false;
        for (var i = 0; i < 30 && !cutOff; i++)
        {
            try
            {
                await stream.WriteAsync("x"u8.ToArray(), Cancellation);
                cutOff = tcp.Client.Poll(1_000_000, SelectMode.SelectRead);
            }
            catch (IOException)
            {
                cutOff = true;
            }
        }

        Assert.True(cutOff, "The slow body was never cut off.");
        using var read = await Cluster.Client("backend-1").GetAsync(KvRoutes.Key(key), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    // Writes the bytes, optionally ends the sending half, and returns the status code of the answer (0 if none).
    private async Task<int> SendRawAsync(string target, byte[] request, bool closeAfterSending = false)
    {
        var endpoint = Cluster.Client(target).BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, Cancellation);
        using var stream = tcp.GetStream();
        await stream.WriteAsync(request, Cancellation);
        if (closeAfterSending)
        {
            tcp.Client.Shutdown(SocketShutdown.Send);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new byte[512];
        var read = 0;
        try
        {
            while (read < 12)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), deadline.Token);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (IOException)
        {
        }

        var statusLine = Encoding.ASCII.GetString(buffer, 0, read);
        return statusLine.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && read >= 12 ? int.Parse(statusLine.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
