using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AspireKv.Backend.Storage;

/// <summary>
/// Computes an order-independent digest of a store: the sum (mod 2^64) of a hash of every key, version,
/// tombstone flag, expiry (when there is one) and value. Two replicas with the same content have the same
/// digest whatever order their writes arrived in, so the digest can be compared from outside to check
/// convergence.
/// </summary>
internal static class StoreDigestCalculator
{
    /// <summary>The digest of <paramref name="entries"/> as 16 lower-case hex digits.</summary>
    public static string Compute(IEnumerable<KeyValuePair<string, StoredEntry>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ulong sum = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[17];
        Span<byte> digest = stackalloc byte[32];
        foreach (var (key, entry) in entries)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            BinaryPrimitives.WriteInt64LittleEndian(header, entry.Version);
            // The separator byte after the key makes ("ab", value "c") differ from ("a", value "bc").
            header[8] = entry.IsTombstone ? (byte)0 : (byte)1;
            // Only keys that expire add their expiry, so a store without expiries digests as it always has.
            BinaryPrimitives.WriteInt64LittleEndian(header[9..], entry.ExpiresAt);
            hash.AppendData([0]);
            hash.AppendData(entry.ExpiresAt > 0 ? header : header[..9]);
            if (entry.Value is not null)
            {
                hash.AppendData(entry.Value);
            }

            hash.GetHashAndReset(digest);
            sum = unchecked(sum + BinaryPrimitives.ReadUInt64LittleEndian(digest));
        }

        return sum.ToString("x16", CultureInfo.InvariantCulture);
    }
}
