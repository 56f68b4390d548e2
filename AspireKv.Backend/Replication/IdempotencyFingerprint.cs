using System.Security.Cryptography;
using System.Text;

namespace AspireKv.Backend.Replication;

/// <summary>
/// What an idempotency key is remembered with: a hash of the whole write (kind, key, condition, time to live, value). A retry
/// carries the same key and the same write, so it is replayed; the same key on a different write is a client
/// mistake, refused instead of answered with the first write's success (which would tell the client a write
/// happened that never did). Pure, so it is unit-tested.
/// </summary>
internal static class IdempotencyFingerprint
{
    /// <summary>32 hexadecimal characters: 128 bits of SHA-256, plenty to tell a client's writes apart.</summary>
    public static string Of(WriteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[sizeof(int)];

        // Each part is length-prefixed, so that no two different writes can concatenate to the same bytes.
        AppendPart(hash, [(byte)request.Kind], length);
        AppendPart(hash, Encoding.UTF8.GetBytes(request.Key), length);
        AppendPart(hash, Encoding.UTF8.GetBytes(request.Condition.Kind + ":" + request.Condition.ToScriptArgument()), length);
        Span<byte> timeToLive = stackalloc byte[sizeof(long)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(timeToLive, request.TimeToLiveMilliseconds);
        AppendPart(hash, timeToLive, length);
        AppendPart(hash, request.Value, length);
        return Convert.ToHexString(hash.GetHashAndReset().AsSpan(0, 16));
    }

    private static void AppendPart(IncrementalHash hash, ReadOnlySpan<byte> part, Span<byte> length)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, part.Length);
        hash.AppendData(length);
        hash.AppendData(part);
    }
}
