namespace AspireKv.Contracts;

/// <summary>One key in a listing.</summary>
/// <param name="Key">The key.</param>
/// <param name="Version">The version of its value.</param>
/// <param name="Size">The value's length in bytes.</param>
/// <param name="ExpiresIn">The seconds the key has left, as <see cref="KvHeaders.ExpiresIn"/>; null when it never expires.</param>
public sealed record KeyListing(string Key, long Version, int Size, double? ExpiresIn = null);

/// <summary>A page of keys in ordinal order (<c>GET /kv?prefix=&amp;after=&amp;limit=</c>).</summary>
/// <param name="Items">The keys of this page.</param>
/// <param name="Next">The <c>after</c> of the next page, or null when this is the last one.</param>
public sealed record KeyPage(IReadOnlyList<KeyListing> Items, string? Next);
