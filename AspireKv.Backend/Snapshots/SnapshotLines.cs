using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireKv.Backend.Snapshots;

/// <summary>
/// The header of a snapshot file (<see cref="SnapshotWriter"/>) and the lines after it: JSON, one object per line. A header, one line per
/// key that holds a value, then a trailer with the count and a SHA-256 of every byte before it, so that a truncated
/// or altered file is refused whole.
/// </summary>
/// <param name="Format">Always <see cref="SnapshotHeader.FormatName"/>.</param>
/// <param name="FormatVersion">The layout of the lines; this version writes and reads 1.</param>
/// <param name="Version">Every write up to this version, and none after it, is in the snapshot.</param>
/// <param name="Keys">How many key lines follow.</param>
internal sealed record SnapshotHeader(string Format, int FormatVersion, long Version, long Keys)
{
    public const string FormatName = "aspirekv-snapshot";

    public const int CurrentFormatVersion = 1;
}

/// <summary>One key of a snapshot.</summary>
/// <param name="Key">The key.</param>
/// <param name="Version">The version of the write that gave it its value.</param>
/// <param name="Value">The value, base64 (as in etcd's JSON gateway).</param>
/// <param name="ExpiresAt">When it expires, in milliseconds since 1970 on Redis's clock; absent when it never does.</param>
internal sealed record SnapshotKey(
    string Key,
    long Version,
    byte[] Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long ExpiresAt = 0);

/// <summary>The last line of a snapshot.</summary>
/// <param name="Keys">How many key lines came before it.</param>
/// <param name="Sha256">The SHA-256 (lower-case hex) of every byte before this line.</param>
internal sealed record SnapshotTrailer(long Keys, string Sha256);

// Strict: a field missing, null or unknown makes the line, and so the file, invalid.
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(SnapshotHeader))]
[JsonSerializable(typeof(SnapshotKey))]
[JsonSerializable(typeof(SnapshotTrailer))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
