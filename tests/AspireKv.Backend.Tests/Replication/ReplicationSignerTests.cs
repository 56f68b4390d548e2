using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Replication;

public sealed class ReplicationSignerTests
{
    private static readonly byte[] Message = ReplicationMessageCodec.EncodeMessage(7, ReplicationMessageCodec.EncodeBody(ChangeKind.Set, "k", [1, 2], "backend-1", null, "1:e"));

    [Fact]
    public void TryVerify_SignedWithTheSameKey_GivesTheMessageBack()
    {
        var signer = new ReplicationSigner("cluster key");

        Assert.True(signer.TryVerify(signer.Sign(Message), out var verified));
        Assert.Equal(Message, verified);
    }

    [Fact]
    public void TryVerify_SignedWithAnotherKey_IsRejected() =>
        Assert.False(new ReplicationSigner("cluster key").TryVerify(new ReplicationSigner("guessed key").Sign(Message), out _));

    [Fact]
    public void TryVerify_Unsigned_IsRejected() =>
        Assert.False(new ReplicationSigner("cluster key").TryVerify(Message, out _));

    [Fact]
    public void TryVerify_VersionChangedAfterSigning_IsRejected()
    {
        var signer = new ReplicationSigner("cluster key");
        var signed = signer.Sign(Message);
        signed[0] = (byte)'9'; // "7\n…" replayed as "9\n…"

        Assert.False(signer.TryVerify(signed, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    public void TryVerify_TooShortForASignature_IsRejected(int length) =>
        Assert.False(new ReplicationSigner("k").TryVerify(new byte[length], out _));
}
