using AspireKv.Backend.Expiry;
using AspireKv.Backend.Storage;
using AspireKv.Contracts;

namespace AspireKv.Backend.Api;

/// <summary>Pages through the live keys in ordinal order, filtered by prefix, with the time each expiring key has left. Pure.</summary>
internal static class KeyLister
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    /// <param name="keys">The store's keys, tombstones included (they are skipped).</param>
    /// <param name="prefix">Only keys that start with it (ordinal), if given.</param>
    /// <param name="after">Only keys after it (the previous page's <see cref="KeyPage.Next"/>).</param>
    /// <param name="limit">At most this many keys.</param>
    /// <param name="now">Redis's time, as this backend estimates it: keys that have certainly expired are left out.</param>
    public static KeyPage List(IEnumerable<StoredKey> keys, string? prefix, string? after, int limit, RedisTime now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var page = keys
            .Where(e => !e.IsTombstone
                && !ExpiryRules.HasExpired(e.ExpiresAt, now)
                && (string.IsNullOrEmpty(prefix) || e.Key.StartsWith(prefix, StringComparison.Ordinal))
                && (after is null || string.CompareOrdinal(e.Key, after) > 0))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Take(limit + 1)
            .Select(e => new KeyListing(e.Key, e.Version, e.ValueLength, ExpiryRules.SecondsLeft(e.ExpiresAt, now)))
            .ToList();
        return page.Count > limit ? new KeyPage(page[..limit], page[limit - 1].Key) : new KeyPage(page, null);
    }
}
