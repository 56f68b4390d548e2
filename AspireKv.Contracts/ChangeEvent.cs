namespace AspireKv.Contracts;

/// <summary>One change on a watch (<c>GET /watch?prefix=</c>, Server-Sent Events; the event id is the version).</summary>
/// <param name="Version">The write's version; send it back as <c>Last-Event-ID</c> to resume after it.</param>
/// <param name="Key">The key written.</param>
/// <param name="Kind"><c>set</c> or <c>delete</c>.</param>
/// <param name="Value">The value of a set, base64; null for a delete.</param>
/// <param name="Reason">Why a delete happened: <c>expired</c> when the key's time to live ran out; null for a client's delete and for a set.</param>
/// <param name="ExpiresAt">When a set expires, in milliseconds since 1970 on Redis's clock (which decides expiry); null when it never expires.</param>
public sealed record ChangeEvent(long Version, string Key, string Kind, string? Value, string? Reason = null, long? ExpiresAt = null);
