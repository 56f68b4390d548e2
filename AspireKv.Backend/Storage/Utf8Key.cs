using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace AspireKv.Backend.Storage;

/// <summary>
/// A key's UTF-8 bytes for one store call, encoded into the caller's stack buffer or, for a key that may not fit,
/// into a rented array that <see cref="Dispose"/> returns. The store compares and keeps keys as UTF-8.
/// </summary>
internal ref struct Utf8Key
{
    /// <summary>Stack buffer size that holds any key of up to 255 UTF-16 characters (GetMaxByteCount: 3 per character, plus 3).</summary>
    public const int StackBytes = 768;

    private byte[]? _rented;

    public Utf8Key(string key, Span<byte> stackBuffer)
    {
        var buffer = stackBuffer;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (maxBytes > buffer.Length)
        {
            _rented = ArrayPool<byte>.Shared.Rent(maxBytes);
            buffer = _rented;
        }

        IsValid = Utf8.FromUtf16(key, buffer, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done;
        Bytes = IsValid ? buffer[..written] : default;
    }

    /// <summary>False when the key has no UTF-8 form (a lone surrogate): such a key can never be stored.</summary>
    public bool IsValid { get; }

    /// <summary>The encoded key; empty when <see cref="IsValid"/> is false.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
