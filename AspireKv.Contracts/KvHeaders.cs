namespace AspireKv.Contracts;

/// <summary>HTTP header names of the AspireKv API.</summary>
public static class KvHeaders
{
    /// <summary>Set by every backend on every response: the name of the backend that answered.</summary>
    public const string ServedBy = "X-Served-By";

    /// <summary>
    /// Set on every key-value response: every write up to this version is applied on the backend that answered.
    /// A client keeps the highest of these and of its writes' ETags as its session token.
    /// </summary>
    public const string AppliedVersion = "X-Applied-Version";

    /// <summary>The consistency a read asks for: <c>local</c> (the default), <c>session</c> or <c>strong</c>.</summary>
    public const string Consistency = "X-Consistency";

    /// <summary>A session read's token: the answer reflects at least every write up to this version.</summary>
    public const string MinVersion = "X-Min-Version";

    /// <summary>
    /// Set to <c>true</c> on reads served while the backend cannot reach Redis (newer writes may exist), and on reads
    /// of a key that expires while the backend has no recent reading of Redis's clock (it may have expired).
    /// </summary>
    public const string PossiblyStale = "X-Possibly-Stale";

    /// <summary>
    /// Set on a read of a key that expires: the seconds it has left (decimal, on the backend's estimate of Redis's
    /// clock, which decides expiry). Absent for a key that never expires.
    /// </summary>
    public const string ExpiresIn = "X-Expires-In";

    /// <summary>Makes a write safe to retry: a repeat with the same key returns the first write's version.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>
    /// Set to <c>true</c> by a backend on a 503 that is about that backend alone (it is behind the version a read
    /// needs, or cannot reach Redis, and nothing was written): another backend may answer. The balancer sends such
    /// a request to another backend when it is safe to send again (a read, or a write with an idempotency key).
    /// </summary>
    public const string TryAnotherBackend = "X-Try-Another-Backend";
}
