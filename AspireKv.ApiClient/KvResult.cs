namespace AspireKv.ApiClient;

/// <summary>What one request to the cluster returned, with what the page shows about it.</summary>
/// <param name="Operation">SET, GET or DELETE.</param>
/// <param name="Key">The key asked for.</param>
/// <param name="StatusCode">The HTTP status, or 0 when the balancer could not be reached.</param>
/// <param name="ServedBy">The backend that answered (<c>X-Served-By</c>), when one did.</param>
/// <param name="Version">The key's version (<c>ETag</c>), when known.</param>
/// <param name="Value">The value read, for a successful GET.</param>
/// <param name="Error">A sentence for the user when the request did not succeed.</param>
/// <param name="Latency">How long the request took, seen from this client.</param>
public sealed record KvResult(
    string Operation,
    string Key,
    int StatusCode,
    string? ServedBy,
    string? Version,
    byte[]? Value,
    string? Error,
    TimeSpan Latency)
{
    /// <summary>True for a 2xx answer.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
