using System.Globalization;
using AspireKv.Contracts;

namespace AspireKv.Backend.KeyValue;

/// <summary>How fresh a read must be.</summary>
internal enum ConsistencyLevel
{
    /// <summary>Whatever this backend holds now: fastest, may miss writes made a few milliseconds ago elsewhere.</summary>
    Local,

    /// <summary>At least every write up to the client's token (<see cref="KvHeaders.MinVersion"/>): read-your-writes across backends.</summary>
    Session,

    /// <summary>Every write acknowledged before the read started (linearizable): one Redis round trip, then a wait if behind.</summary>
    Strong,
}

/// <summary>A read's consistency as parsed from its headers.</summary>
/// <param name="Level">The level asked for.</param>
/// <param name="MinVersion">The session token, for <see cref="ConsistencyLevel.Session"/>.</param>
internal readonly record struct ReadConsistency(ConsistencyLevel Level, long MinVersion)
{
    /// <summary>
    /// Parses <see cref="KvHeaders.Consistency"/> and <see cref="KvHeaders.MinVersion"/>. A token without a level
    /// means a session read; a session read without a token is a local one. Returns a reason when invalid.
    /// </summary>
    public static bool TryParse(string? level, string? minVersion, out ReadConsistency consistency, out string? error)
    {
        consistency = default;
        error = null;
        long token = 0;
        if (!string.IsNullOrEmpty(minVersion)
            && (!long.TryParse(minVersion, NumberStyles.None, CultureInfo.InvariantCulture, out token) || token < 0))
        {
            error = $"{KvHeaders.MinVersion} must be a non-negative integer (a version from an ETag or {KvHeaders.AppliedVersion}).";
            return false;
        }

        var parsed = level?.Trim().ToUpperInvariant() switch
        {
            null or "" => token > 0 ? ConsistencyLevel.Session : ConsistencyLevel.Local,
            "LOCAL" => ConsistencyLevel.Local,
            "SESSION" => ConsistencyLevel.Session,
            "STRONG" => ConsistencyLevel.Strong,
            _ => (ConsistencyLevel?)null,
        };
        if (parsed is null)
        {
            error = $"{KvHeaders.Consistency} must be local, session or strong.";
            return false;
        }

        consistency = new ReadConsistency(parsed.Value, token);
        return true;
    }
}
