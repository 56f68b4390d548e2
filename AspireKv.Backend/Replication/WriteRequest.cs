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
internal sealed record WriteRequest(ChangeKind Kind, string Key, byte[] Value, WriteCondition Condition = default, string? IdempotencyKey = null);
