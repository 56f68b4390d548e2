using AspireKv.Contracts;

namespace AspireKv.ApiClient;

/// <summary>What a listing returned.</summary>
/// <param name="Page">The keys, when the request succeeded.</param>
/// <param name="ServedBy">The backend that answered.</param>
/// <param name="Latency">How long the request took, seen from this client.</param>
/// <param name="Error">A sentence for the user when it did not succeed.</param>
public sealed record KvListResult(KeyPage? Page, string? ServedBy, TimeSpan Latency, string? Error);
