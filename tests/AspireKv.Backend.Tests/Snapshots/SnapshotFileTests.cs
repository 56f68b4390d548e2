using System.Text;
using AspireKv.Backend.Snapshots;

namespace AspireKv.Backend.Tests.Snapshots;

public sealed class SnapshotFileTests
{
    private const int MaxValueBytes = 1024;

    private static readonly StoreSnapshot Sample = new(42,
    [
        new SnapshotKey("a", 3, "alpha"u8.ToArray()),
        new SnapshotKey("b", 40, [0, 255, 10, 13], ExpiresAt: 1_900_000_000_000),
        new SnapshotKey("ñ/é", 42, []),
    ]);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<byte[]> WriteAsync(StoreSnapshot snapshot)
    {
        using var file = new MemoryStream();
        await SnapshotWriter.WriteAsync(snapshot, file, Cancellation);
        return file.ToArray();
    }

    private static Task<StoreSnapshot> ReadAsync(byte[] file, int maxValueBytes = MaxValueBytes) =>
        SnapshotReader.ReadAsync(new MemoryStream(file), maxValueBytes, Cancellation);

    private static async Task<string> RefusalAsync(byte[] file, int maxValueBytes = MaxValueBytes) =>
        (await Assert.ThrowsAsync<InvalidSnapshotException>(() => ReadAsync(file, maxValueBytes))).Message;

    // A file written by hand, with a correct trailer, so that the rules on each line are tested apart from the checksum.
    private static byte[] File(params string[] lines)
    {
        var body = string.Concat(lines.Select(line => line + "\n"));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        return Encoding.UTF8.GetBytes(body + $$"""{"keys":{{lines.Length - 1}},"sha256":"{{sha}}"}""" + "\n");
    }

    private static string Header(long version, int keys) =>
        $$"""{"format":"aspirekv-snapshot","formatVersion":1,"version":{{version}},"keys":{{keys}}}""";

    [Fact]
    public async Task WrittenFile_ReadsBackTheSameSnapshot()
    {
        var read = await ReadAsync(await WriteAsync(Sample));

        Assert.Equal(Sample.Version, read.Version);
        Assert.Equal(Sample.Keys.Select(k => (k.Key, k.Version, Convert.ToHexString(k.Value), k.ExpiresAt)), read.Keys.Select(k => (k.Key, k.Version, Convert.ToHexString(k.Value), k.ExpiresAt)));
    }

    [Fact]
    public async Task EmptyStore_ReadsBackEmpty()
    {
        var read = await ReadAsync(await WriteAsync(new StoreSnapshot(0, [])));

        Assert.Equal(0, read.Version);
        Assert.Empty(read.Keys);
    }

    [Fact]
    public async Task File_IsOneJsonObjectPerLine_ValuesInBase64_NoExpiryWhenThereIsNone()
    {
        var lines = Encoding.UTF8.GetString(await WriteAsync(Sample)).Split('\n');

        Assert.Equal(Header(42, 3), lines[0]);
        Assert.Equal("""{"key":"a","version":3,"value":"YWxwaGE="}""", lines[1]);
        Assert.Contains("\"expiresAt\":1900000000000", lines[2], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[^1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(60)]
    public async Task TruncatedFile_IsRefused(int bytesKept)
    {
        var file = await WriteAsync(Sample);

        await RefusalAsync(file[..Math.Min(bytesKept, file.Length - 1)]);
    }

    [Fact]
    public async Task FileCutBeforeItsLastLine_IsRefusedAsTruncated()
    {
        var text = Encoding.UTF8.GetString(await WriteAsync(Sample));
        var cut = text[..(text.TrimEnd('\n').LastIndexOf('\n') + 1)];

        Assert.Contains("truncated", await RefusalAsync(Encoding.UTF8.GetBytes(cut)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlteredValue_IsRefusedByTheChecksum()
    {
        var text = Encoding.UTF8.GetString(await WriteAsync(Sample)).Replace("YWxwaGE=", "YWxwaGI=", StringComparison.Ordinal);

        Assert.Contains("checksum", await RefusalAsync(Encoding.UTF8.GetBytes(text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFile_IsRefused() => Assert.Contains("empty", await RefusalAsync([]), StringComparison.Ordinal);

    [Fact]
    public async Task BytesAfterTheLastLine_AreRefused()
    {
        var file = await WriteAsync(Sample);

        await RefusalAsync([.. file, .. "{}\n"u8.ToArray()]);
        await RefusalAsync([.. file, (byte)'x']);
    }

    [Theory]
    [InlineData("""{"format":"something-else","formatVersion":1,"version":1,"keys":0}""")]
    [InlineData("""{"format":"aspirekv-snapshot","formatVersion":2,"version":1,"keys":0}""")]
    [InlineData("""{"format":"aspirekv-snapshot","formatVersion":1,"version":-1,"keys":0}""")]
    [InlineData("""{"format":"aspirekv-snapshot","formatVersion":1,"keys":0}""")]
    [InlineData("""{"format":"aspirekv-snapshot","formatVersion":1,"version":1,"keys":0,"extra":true}""")]
    [InlineData("not json")]
    public async Task BadHeader_IsRefused(string header) => await RefusalAsync(File(header));

    [Theory]
    [InlineData("""{"key":"b","version":1,"value":"eA=="}""", """{"key":"a","version":1,"value":"eA=="}""")]
    [InlineData("""{"key":"a","version":1,"value":"eA=="}""", """{"key":"a","version":2,"value":"eA=="}""")]
    [InlineData("""{"key":"a","version":0,"value":"eA=="}""", """{"key":"b","version":1,"value":"eA=="}""")]
    [InlineData("""{"key":"a","version":11,"value":"eA=="}""", """{"key":"b","version":1,"value":"eA=="}""")]
    [InlineData("""{"key":"has space","version":1,"value":"eA=="}""", """{"key":"b","version":1,"value":"eA=="}""")]
    [InlineData("""{"key":"a","version":1,"value":"not base64!"}""", """{"key":"b","version":1,"value":"eA=="}""")]
    [InlineData("""{"key":"a","version":1}""", """{"key":"b","version":1,"value":"eA=="}""")]
    [InlineData("""{"key":null,"version":1,"value":"eA=="}""", """{"key":"b","version":1,"value":"eA=="}""")]
    [InlineData("""{"key":"a","version":1,"value":"eA==","expiresAt":-5}""", """{"key":"b","version":1,"value":"eA=="}""")]
    public async Task BadKeyLine_IsRefused(string first, string second) => await RefusalAsync(File(Header(10, 2), first, second));

    [Fact]
    public async Task ValueOverTheLimit_IsRefused()
    {
        var file = await WriteAsync(new StoreSnapshot(1, [new SnapshotKey("big", 1, new byte[MaxValueBytes + 1])]));

        Assert.Contains("at most", await RefusalAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LineFarLongerThanAnyValue_IsRefusedBeforeItEnds()
    {
        var endless = Encoding.UTF8.GetBytes(Header(1, 1) + "\n" + new string('x', 100_000));

        Assert.Contains("longer than", await RefusalAsync(endless, maxValueBytes: 16), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCountInTheLastLine_IsRefused()
    {
        var text = Encoding.UTF8.GetString(await WriteAsync(Sample)).Replace("{\"keys\":3,", "{\"keys\":2,", StringComparison.Ordinal);

        await RefusalAsync(Encoding.UTF8.GetBytes(text));
    }
}
