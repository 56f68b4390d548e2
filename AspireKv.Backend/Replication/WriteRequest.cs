namespace AspireKv.Backend.Replication;

/// <summary>One write a client asked for.</summary>
/// <param name="Kind">Set or delete.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value of a set; empty for a delete.</param>
/// <param name="Condition">What the key's current state must be for the write to happen.</param>
/// <param name="IdempotencyKey">
/// The client's <c>Idempotency-Key</c>, if any: a retry with the same key within <see cref="AspireKv.Contracts.KvLimits.IdempotencyWindow"/> returns the first
/// write's version instead of writing again.
/// </param>
/// <param name="TimeToLive">For a set: how long after its commit the key expires; null for never (which also clears an earlier expiry).</param>
/// <param name="ExpiresAt">
/// For an <see cref="ChangeKind.Expire"/>: the expiry the key's current version carries (ms since 1970 on Redis's
/// clock); the commit script refuses the delete until its clock has passed it.
/// </param>
internal sealed record WriteRequest(
    ChangeKind Kind,
    string Key,
    byte[] Value,
    WriteCondition Condition = default,
    string? IdempotencyKey = null,
    TimeSpan? TimeToLive = null,
    long ExpiresAt = 0)
{
    /// <summary>The time to live in whole milliseconds, as the commit script takes it; 0 for none.</summary>
    public long TimeToLiveMilliseconds => TimeToLive is { } ttl ? (long)Math.Ceiling(ttl.TotalMilliseconds) : 0;
}
