using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;
using AspireKv.Backend.Api;

namespace AspireKv.Backend.Snapshots;

/// <summary>
/// Reads a snapshot file streamed, checking every line as it comes and the checksum at the end: it answers a
/// <see cref="StoreSnapshot"/> only for a whole, unaltered file, and otherwise throws
/// <see cref="InvalidSnapshotException"/> saying what is wrong, so nothing is restored from a bad one.
/// </summary>
internal static class SnapshotReader
{
    // Room for the key, the version, the expiry and the JSON around them, beyond the value's base64.
    private const int LineOverheadBytes = 4 * 1024;

    /// <param name="source">The file's bytes.</param>
    /// <param name="maxValueBytes">The largest value the backends accept: a snapshot with a larger one is refused.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async Task<StoreSnapshot> ReadAsync(Stream source, int maxValueBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var maxLineBytes = (((long)maxValueBytes + 2) / 3 * 4) + LineOverheadBytes;
        var reader = PipeReader.Create(source);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        SnapshotHeader? header = null;
        var keys = new List<SnapshotKey>();
        SnapshotTrailer? trailer = null;
        long lineNumber = 0;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (TryTakeLine(ref buffer, out var line))
                {
                    lineNumber++;
                    if (trailer is not null)
                    {
                        throw new InvalidSnapshotException($"Line {lineNumber} comes after the snapshot's last line.");
                    }

                    if (header is null)
                    {
                        header = Parse(line, lineNumber, SnapshotJsonContext.Default.SnapshotHeader);
                        CheckHeader(header);
                    }
                    else if (keys.Count < header.Keys)
                    {
                        var key = Parse(line, lineNumber, SnapshotJsonContext.Default.SnapshotKey);
                        CheckKey(key, header, keys.Count == 0 ? null : keys[^1].Key, maxValueBytes, lineNumber);
                        keys.Add(key);
                    }
                    else
                    {
                        trailer = Parse(line, lineNumber, SnapshotJsonContext.Default.SnapshotTrailer);
                        CheckTrailer(trailer, keys.Count, Convert.ToHexStringLower(hash.GetCurrentHash()));
                        continue;
                    }

                    foreach (var segment in line)
                    {
                        hash.AppendData(segment.Span);
                    }

                    hash.AppendData("\n"u8);
                }

                if (buffer.Length > maxLineBytes)
                {
                    throw new InvalidSnapshotException($"Line {lineNumber + 1} is longer than {maxLineBytes} bytes: no snapshot line is.");
                }

                if (read.IsCompleted)
                {
                    if (trailer is null)
                    {
                        throw new InvalidSnapshotException(header is null
                            ? "The file is empty."
                            : $"The file ends after {keys.Count} of {header.Keys} keys and before its last line: it is truncated.");
                    }

                    if (buffer.Length > 0)
                    {
                        throw new InvalidSnapshotException("Bytes follow the snapshot's last line.");
                    }

                    return new StoreSnapshot(header!.Version, keys);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    private static T Parse<T>(ReadOnlySequence<byte> line, long lineNumber, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            var json = new Utf8JsonReader(line);
            return JsonSerializer.Deserialize(ref json, type)
                ?? throw new InvalidSnapshotException($"Line {lineNumber} is null, not a {Describe(type)}.");
        }
        catch (JsonException exception)
        {
            throw new InvalidSnapshotException($"Line {lineNumber} is not a valid {Describe(type)}: {exception.Message}", exception);
        }
    }

    private static string Describe<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => type.Type.Name switch
    {
        nameof(SnapshotHeader) => "snapshot header",
        nameof(SnapshotKey) => "snapshot key",
        _ => "snapshot's last line",
    };

    private static void CheckHeader(SnapshotHeader header)
    {
        if (header.Format != SnapshotHeader.FormatName)
        {
            throw new InvalidSnapshotException($"The file is not an AspireKv snapshot (its format is '{header.Format}').");
        }

        if (header.FormatVersion != SnapshotHeader.CurrentFormatVersion)
        {
            throw new InvalidSnapshotException(
                $"The snapshot has format version {header.FormatVersion}; this version reads {SnapshotHeader.CurrentFormatVersion}.");
        }

        if (header.Version < 0 || header.Keys < 0)
        {
            throw new InvalidSnapshotException("The snapshot's version and key count cannot be negative.");
        }
    }

    private static void CheckKey(SnapshotKey key, SnapshotHeader header, string? previous, int maxValueBytes, long lineNumber)
    {
        if (KeyRules.Validate(key.Key) is { } invalid)
        {
            throw new InvalidSnapshotException($"Line {lineNumber}: {invalid}");
        }

        // The writer orders the keys, which also proves none comes twice.
        if (previous is not null && string.CompareOrdinal(previous, key.Key) >= 0)
        {
            throw new InvalidSnapshotException($"Line {lineNumber}: key '{key.Key}' is out of order or repeated.");
        }

        if (key.Version < 1 || key.Version > header.Version)
        {
            throw new InvalidSnapshotException(string.Create(
                CultureInfo.InvariantCulture, $"Line {lineNumber}: version {key.Version} is not between 1 and the snapshot's version {header.Version}."));
        }

        if (key.Value.Length > maxValueBytes)
        {
            throw new InvalidSnapshotException(string.Create(
                CultureInfo.InvariantCulture, $"Line {lineNumber}: the value of '{key.Key}' is {key.Value.Length} bytes; the backends accept at most {maxValueBytes}."));
        }

        if (key.ExpiresAt < 0)
        {
            throw new InvalidSnapshotException($"Line {lineNumber}: the expiry of '{key.Key}' is negative.");
        }
    }

    private static void CheckTrailer(SnapshotTrailer trailer, int keys, string sha256)
    {
        if (trailer.Keys != keys)
        {
            throw new InvalidSnapshotException(string.Create(CultureInfo.InvariantCulture, $"The last line counts {trailer.Keys} keys, the file holds {keys}."));
        }

        if (!string.Equals(trailer.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidSnapshotException("The checksum does not match the file's content: it was altered or damaged.");
        }
    }
}
