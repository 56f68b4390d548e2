using System.Text;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Replication;

public sealed class ReplicationMessageCodecTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void TryDecode_EncodedSet_RoundTripsEveryField()
    {
        byte[] value = [0, 1, 2, 255, (byte)'\n', 0];
        var body = ReplicationMessageCodec.EncodeBody(ChangeKind.Set, "clé:1", value, "backend-2", TraceParent, "4:abc");

        Assert.True(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(42, body), out var entry));

        Assert.Equal(42, entry.Version);
        Assert.Equal(ChangeKind.Set, entry.Kind);
        Assert.Equal("clé:1", entry.Key);
        Assert.Equal(value, entry.Value);
        Assert.Equal("backend-2", entry.Origin);
        Assert.Equal(TraceParent, entry.TraceParent);
        Assert.Equal("4:abc", entry.Epoch);
    }

    [Fact]
    public void TryDecode_EncodedDelete_HasNoValueAndNoTrace()
    {
        var body = ReplicationMessageCodec.EncodeBody(ChangeKind.Delete, "k", [], "backend-1", traceParent: null, epoch: null);

        Assert.True(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(7, body), out var entry));

        Assert.Equal(ChangeKind.Delete, entry.Kind);
        Assert.Empty(entry.Value);
        Assert.Null(entry.TraceParent);
        Assert.Null(entry.Epoch);
        Assert.True(entry.ToStoredEntry().IsTombstone);
    }

    [Fact]
    public void EncodeBody_KindByte_IsWhereTheLuaScriptLooks()
    {
        // The commit script reads the kind two bytes after the newline: format byte, then kind.
        var message = ReplicationMessageCodec.EncodeMessage(12, ReplicationMessageCodec.EncodeBody(ChangeKind.Delete, "k", [], "n", null, "1:e"));
        var newline = Array.IndexOf(message, (byte)'\n');

        Assert.Equal((byte)'D', message[newline + 2]);
        Assert.Equal("12", Encoding.ASCII.GetString(message, 0, newline));
    }

    [Fact]
    public void TryDecode_FormatOneOfEarlierVersions_IsStillRead_WithoutAnEpoch()
    {
        // format 1, 'S', origin "n", no trace, key "k", value "v": as earlier versions stored it in the durable copy.
        byte[] body = [1, (byte)'S', 0, 1, (byte)'n', 0, 0, 0, 1, (byte)'k', (byte)'v'];

        Assert.True(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(9, body), out var entry));

        Assert.Equal((9L, ChangeKind.Set, "k", "n"), (entry.Version, entry.Kind, entry.Key, entry.Origin));
        Assert.Equal("v"u8.ToArray(), entry.Value);
        Assert.Null(entry.Epoch);
    }

    [Fact]
    public void AnExpiry_WrittenWhereTheScriptWritesIt_RoundTrips_AndIsKeptOnlyForASet()
    {
        var body = ReplicationMessageCodec.EncodeBody(ChangeKind.Set, "k", "v"u8, "n", null, "1:e");
        // The expiry sits just before the value (one byte here): where the commit script is told to write it.
        Assert.Equal(body.Length - 9, ReplicationMessageCodec.ExpiryOffset(body));
        ReplicationMessageCodec.SetExpiry(body, 1_796_000_000_123);

        Assert.True(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(3, body), out var entry));
        Assert.Equal(1_796_000_000_123, entry.ExpiresAt);
        Assert.Equal(1_796_000_000_123, entry.ToStoredEntry().ExpiresAt);
        Assert.Equal("v"u8.ToArray(), entry.Value);

        var expired = ReplicationMessageCodec.EncodeBody(ChangeKind.Expire, "k", [], "n", null, "1:e");
        Assert.True(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(4, expired), out var tombstone));
        Assert.Equal(ChangeKind.Expire, tombstone.Kind);
        Assert.True(tombstone.ToStoredEntry().IsTombstone);
    }

    [Fact]
    public void TryDecode_ANegativeExpiry_IsRefused()
    {
        var body = ReplicationMessageCodec.EncodeBody(ChangeKind.Set, "k", "v"u8, "n", null, "1:e");
        body[^9] = 0x80;

        Assert.False(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(3, body), out _));
    }

    [Fact]
    public void TryDecode_SeveralOperationsInOneMessage_AreRefused_UntilAVersionDefinesThem()
    {
        var body = ReplicationMessageCodec.EncodeBody(ChangeKind.Set, "k", "v"u8, "n", null, "1:e");
        body[1] = (byte)'M';

        Assert.False(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(3, body), out _));
    }

    public static TheoryData<string> MalformedMessages =>
    [
        "",
        "no newline at all",
        "\nmissing version",
        "12x\nbad version",
        "0\nversion zero",
        "1234567890123456789\ntoo many digits",
        "5\n",
        "5\n\u0002S",
        "5\n\u0001X\u0000\u0000\u0000\u0000\u0000\u0001k",
        "5\n\u0001S\u0000\u0009backend",
        "5\n\u0001S\u0000\u0000\u0000\u0000\u0000\u0000",
        "5\n\u0002S\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001k",
        "5\n\u0002S\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001k\u0000\u0000\u0000",
    ];

    [Theory]
    [MemberData(nameof(MalformedMessages))]
    public void TryDecode_Malformed_ReturnsFalse(string message) =>
        Assert.False(ReplicationMessageCodec.TryDecode(Encoding.Latin1.GetBytes(message), out _));

    [Fact]
    public void TryDecode_InvalidUtf8Key_ReturnsFalse()
    {
        byte[] body = [1, (byte)'S', 0, 0, 0, 0, 0, 2, 0xC3, 0x28];

        Assert.False(ReplicationMessageCodec.TryDecode(ReplicationMessageCodec.EncodeMessage(3, body), out _));
    }

    [Fact]
    public void TryReadVersion_ReadsOnlyThePrefix()
    {
        Assert.True(ReplicationMessageCodec.TryReadVersion("981\nanything"u8, out var version));
        Assert.Equal(981, version);
    }
}
