using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace AspireKv.Backend.Replication;

/// <summary>
/// Authenticates replication messages on the channel with HMAC-SHA256 under the cluster's replication key, so a
/// process that can publish to Redis but lacks the key cannot make a backend apply anything. The signature covers
/// the version too, so a captured message cannot be replayed under another version. Pure.
/// </summary>
internal sealed class ReplicationSigner(string key)
{
    /// <summary>The length of the signature appended to every channel message.</summary>
    public const int SignatureLength = HMACSHA256.HashSizeInBytes;

    private readonly byte[] _key = Encoding.UTF8.GetBytes(key ?? throw new ArgumentNullException(nameof(key)));

    /// <summary>The message followed by its signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signed = new byte[message.Length + SignatureLength];
        message.CopyTo(signed);
        HMACSHA256.HashData(_key, message, signed.AsSpan(message.Length));
        return signed;
    }

    /// <summary>The message without its signature, if the signature is right; false for anything else.</summary>
    public bool TryVerify(ReadOnlySpan<byte> signed, [NotNullWhen(true)] out byte[]? message)
    {
        message = null;
        if (signed.Length <= SignatureLength)
        {
            return false;
        }

        var body = signed[..^SignatureLength];
        Span<byte> expected = stackalloc byte[SignatureLength];
        HMACSHA256.HashData(_key, body, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, signed[^SignatureLength..]))
        {
            return false;
        }

        message = body.ToArray();
        return true;
    }
}
