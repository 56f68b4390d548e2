using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Expiry;

/// <summary>
/// What a reader makes of a key that expires. Pure. A key is hidden only once Redis's clock has certainly passed its
/// expiry, so no key is hidden before its time to live has run out; it is served at most the width of the clock
/// estimate after it (<see cref="RedisClock"/>), and only until the delete that the sweeper commits arrives.
/// </summary>
internal static class ExpiryRules
{
    /// <summary>True when <paramref name="entry"/> holds a value that has not certainly expired at <paramref name="now"/>.</summary>
    public static bool IsLive(in StoredEntry entry, RedisTime now) => !entry.IsTombstone && !HasExpired(entry.ExpiresAt, now);

    /// <summary>True when an expiry (0 for none) has certainly passed at <paramref name="now"/>.</summary>
    public static bool HasExpired(long expiresAt, RedisTime now) => expiresAt > 0 && now.HasCertainlyPassed(expiresAt);

    /// <summary>True when <paramref name="entry"/> holds a value that had not expired at Redis's exact time <paramref name="redisTime"/>.</summary>
    public static bool IsLiveAt(in StoredEntry entry, long redisTime) => !entry.IsTombstone && !(entry.Expires && redisTime >= entry.ExpiresAt);

    /// <summary>The seconds an expiring key has left at <paramref name="now"/>, never negative; null when it never expires.</summary>
    public static double? SecondsLeft(long expiresAt, RedisTime now) =>
        expiresAt > 0 ? Math.Round(Math.Max(0, expiresAt - now.Estimate) / 1000.0, 3) : null;

    /// <summary>True when whether the key is still live cannot be trusted: it expires, and the clock estimate is not fresh.</summary>
    public static bool IsUncertain(long expiresAt, RedisTime now) => expiresAt > 0 && !now.Fresh;
}
