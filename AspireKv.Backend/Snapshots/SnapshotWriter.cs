using System.Security.Cryptography;
using System.Text.Json;

namespace AspireKv.Backend.Snapshots;

/// <summary>Writes a <see cref="StoreSnapshot"/> as a snapshot file (<see cref="SnapshotHeader"/>, then the keys and a <see cref="SnapshotTrailer"/>), streamed.</summary>
internal static class SnapshotWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static async Task WriteAsync(StoreSnapshot snapshot, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(destination);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new SnapshotHeader(SnapshotHeader.FormatName, SnapshotHeader.CurrentFormatVersion, snapshot.Version, snapshot.Keys.Count);
        await WriteLineAsync(JsonSerializer.SerializeToUtf8Bytes(header, SnapshotJsonContext.Default.SnapshotHeader), hash, destination, cancellationToken).ConfigureAwait(false);
        foreach (var key in snapshot.Keys)
        {
            await WriteLineAsync(JsonSerializer.SerializeToUtf8Bytes(key, SnapshotJsonContext.Default.SnapshotKey), hash, destination, cancellationToken).ConfigureAwait(false);
        }

        var trailer = new SnapshotTrailer(snapshot.Keys.Count, Convert.ToHexStringLower(hash.GetCurrentHash()));
        await destination.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(trailer, SnapshotJsonContext.Default.SnapshotTrailer), cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteLineAsync(byte[] line, IncrementalHash hash, Stream destination, CancellationToken cancellationToken)
    {
        hash.AppendData(line);
        hash.AppendData(NewLine);
        await destination.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
    }
}
