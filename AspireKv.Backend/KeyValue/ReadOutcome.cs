using AspireKv.Backend.Storage;

namespace AspireKv.Backend.KeyValue;

/// <summary>Whether a read could be answered.</summary>
internal enum ReadStatus
{
    /// <summary>The key holds a value.</summary>
    Found,

    /// <summary>The key was never written, or its newest write is a delete.</summary>
    NotFound,

    /// <summary>The read needed a version this backend did not apply within the wait bound.</summary>
    Behind,
}

/// <summary>The answer to one read.</summary>
/// <param name="Status">Found, not found, or too far behind.</param>
/// <param name="Entry">The key's entry, when found.</param>
/// <param name="AppliedVersion">Every write up to this version is applied on this backend.</param>
/// <param name="RequiredVersion">The version the read's consistency required (0 for a local read).</param>
/// <param name="PossiblyStale">
/// True when Redis is unreachable or the durable copy is being reloaded, so newer writes may exist elsewhere; or when
/// the key expires and this backend has no fresh reading of Redis's clock, so it may have expired.
/// </param>
/// <param name="ExpiresIn">The seconds the key has left, when found and it expires.</param>
internal readonly record struct ReadOutcome(ReadStatus Status, StoredEntry Entry, long AppliedVersion, long RequiredVersion, bool PossiblyStale, double? ExpiresIn = null);
