using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace AspireKv.Backend.Replication;

/// <summary>
/// The wire format of a replication message: the same bytes are published on the channel, appended to the
/// recent log and stored as the key's durable copy.
/// </summary>
/// <remarks>
/// <code>
/// message = version (ASCII decimal) '\n' body
/// body    = format (1 byte, = 2) kind (1 byte: 'S' set, 'D' delete, 'X' delete by expiry)
///           u16 epoch length, epoch (ASCII: the generation the write was committed in; empty when written back by a restore)
///           u16 origin length, origin (UTF-8)
///           u16 traceparent length, traceparent (ASCII, may be empty)
///           u16 key length, key (UTF-8)
///           i64 expiry (big-endian milliseconds since 1970 on Redis's clock; 0 = never)
///           value (the rest)
/// </code>
/// The backend builds the body; the Lua script that assigns the version prepends it, and for a set with a time to
/// live writes the expiry field from Redis's own clock (<c>TIME</c>), at <see cref="ExpiryOffset"/>. The script only
/// needs the version prefix, the kind byte and that offset, so the rest can stay binary and the value is never
/// re-encoded. Room for what is still to come: kind 'M' (several operations in one message, for transactions and
/// grouped commits), which this version refuses. Format 1 (the same without the epoch and the expiry) is still
/// read, from durable copies written by earlier versions.
/// </remarks>
internal static class ReplicationMessageCodec
{
    // One instance for every message (it is thread-safe): a new one per message showed up in the allocation profile.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body format this version writes.</summary>
    public const byte FormatVersion = 2;

    /// <summary>The format of earlier versions, still read from durable copies they wrote.</summary>
    private const byte LegacyFormatVersion = 1;

    private const int ExpiryBytes = sizeof(long);

    private const int MaxFieldBytes = ushort.MaxValue;

    // 18 decimal digits always fit in a long, so parsing cannot overflow.
    private const int MaxVersionDigits = 18;

    /// <summary>Builds the body of a message for the Lua script, which prepends the version.</summary>
    /// <param name="kind">Set or delete.</param>
    /// <param name="key">The key written.</param>
    /// <param name="value">The value of a set; empty for a delete.</param>
    /// <param name="origin">The backend that accepted the write.</param>
    /// <param name="traceParent">The W3C traceparent of the write, if traced.</param>
    /// <param name="epoch">The epoch the writer has loaded (the commit script refuses any other); null for a write-back.</param>
    /// <param name="expiresAt">
    /// When the set expires (ms since 1970 on Redis's clock), for a write-back; 0 for a new write, whose expiry the
    /// commit script fills in.
    /// </param>
    public static byte[] EncodeBody(ChangeKind kind, string key, ReadOnlySpan<byte> value, string origin, string? traceParent, string? epoch, long expiresAt = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expiresAt);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(origin);
        var epochLength = epoch is null ? 0 : Encoding.ASCII.GetByteCount(epoch);
        var originLength = Encoding.UTF8.GetByteCount(origin);
        var traceLength = traceParent is null ? 0 : Encoding.ASCII.GetByteCount(traceParent);
        var keyLength = Encoding.UTF8.GetByteCount(key);
        if (epochLength > MaxFieldBytes || originLength > MaxFieldBytes || traceLength > MaxFieldBytes || keyLength > MaxFieldBytes)
        {
            throw new ArgumentException("Key, epoch, origin and trace context must each fit in 65535 bytes.");
        }

        var body = new byte[2 + 2 + epochLength + 2 + originLength + 2 + traceLength + 2 + keyLength + ExpiryBytes + value.Length];
        var span = body.AsSpan();
        span[0] = FormatVersion;
        span[1] = (byte)kind;
        var offset = 2;
        offset = WriteField(span, offset, epoch ?? string.Empty, epochLength, Encoding.ASCII);
        offset = WriteField(span, offset, origin, originLength, Encoding.UTF8);
        offset = WriteField(span, offset, traceParent ?? string.Empty, traceLength, Encoding.ASCII);
        offset = WriteField(span, offset, key, keyLength, Encoding.UTF8);
        BinaryPrimitives.WriteInt64BigEndian(span[offset..], expiresAt);
        offset += ExpiryBytes;
        value.CopyTo(span[offset..]);
        return body;
    }

    /// <summary>Where the expiry field starts in a body built by <see cref="EncodeBody"/> (the commit script writes it there).</summary>
    public static int ExpiryOffset(ReadOnlySpan<byte> body)
    {
        var offset = 2;
        for (var field = 0; field < 4; field++)
        {
            if (!TryReadField(body, ref offset, out _))
            {
                throw new ArgumentException("Not a body of the current format.", nameof(body));
            }
        }

        return offset;
    }

    /// <summary>Writes <paramref name="expiresAt"/> into a body, as the commit script did in its own copy.</summary>
    public static void SetExpiry(Span<byte> body, long expiresAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expiresAt);
        BinaryPrimitives.WriteInt64BigEndian(body[ExpiryOffset(body)..], expiresAt);
    }

    /// <summary>Builds a whole message, as the Lua script would. Used by tests and in-memory logs.</summary>
    public static byte[] EncodeMessage(long version, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return message;
    }

    /// <summary>Decodes a whole message. Returns false, never throws, for anything malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> message, [NotNullWhen(true)] out ReplicationEntry? entry)
    {
        entry = null;
        var newline = message.IndexOf((byte)'\n');
        if (newline is <= 0 or > MaxVersionDigits || !TryParseVersion(message[..newline], out var version))
        {
            return false;
        }

        var body = message[(newline + 1)..];
        if (body.Length < 2 || body[0] is not (FormatVersion or LegacyFormatVersion))
        {
            return false;
        }

        var current = body[0] == FormatVersion;
        var kind = (ChangeKind)body[1];
        if (kind is not (ChangeKind.Set or ChangeKind.Delete) && !(current && kind == ChangeKind.Expire))
        {
            return false;
        }

        var offset = 2;
        string? epoch = null;
        if (current)
        {
            if (!TryReadField(body, ref offset, out var epochField))
            {
                return false;
            }

            epoch = epochField.Length == 0 ? null : Encoding.ASCII.GetString(epochField);
        }

        if (!TryReadField(body, ref offset, out var origin)
            || !TryReadField(body, ref offset, out var traceParent)
            || !TryReadField(body, ref offset, out var key)
            || key.Length == 0)
        {
            return false;
        }

        var expiresAt = 0L;
        if (current)
        {
            if (body.Length - offset < ExpiryBytes)
            {
                return false;
            }

            expiresAt = BinaryPrimitives.ReadInt64BigEndian(body[offset..]);
            offset += ExpiryBytes;
            if (expiresAt < 0)
            {
                return false;
            }
        }

        try
        {
            entry = new ReplicationEntry(
                version,
                kind,
                StrictUtf8.GetString(key),
                body[offset..].ToArray(),
                StrictUtf8.GetString(origin),
                traceParent.Length == 0 ? null : Encoding.ASCII.GetString(traceParent),
                epoch,
                kind == ChangeKind.Set ? expiresAt : 0);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Reads the version prefix of a message without decoding the rest.</summary>
    public static bool TryReadVersion(ReadOnlySpan<byte> message, out long version)
    {
        version = 0;
        var newline = message.IndexOf((byte)'\n');
        return newline is > 0 and <= MaxVersionDigits && TryParseVersion(message[..newline], out version);
    }

    private static bool TryParseVersion(ReadOnlySpan<byte> digits, out long version)
    {
        version = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            version = (version * 10) + (digit - (byte)'0');
        }

        return version > 0;
    }

    private static int WriteField(Span<byte> span, int offset, string text, int byteCount, Encoding encoding)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)byteCount);
        offset += 2;
        encoding.GetBytes(text, span.Slice(offset, byteCount));
        return offset + byteCount;
    }

    private static bool TryReadField(ReadOnlySpan<byte> body, ref int offset, out ReadOnlySpan<byte> field)
    {
        field = default;
        if (body.Length - offset < 2)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
        offset += 2;
        if (body.Length - offset < length)
        {
            return false;
        }

        field = body.Slice(offset, length);
        offset += length;
        return true;
    }
}
