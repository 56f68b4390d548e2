namespace AspireKv.Backend.Replication;

/// <summary>
/// The Lua script that commits one write. Redis runs scripts one at a time, so the version it assigns, the
/// durable copy, the recent log and the published message can never disagree: either all happen or none.
/// It runs unchanged on Redis 7 and on Garnet (with <c>--lua</c>); neither needs streams.
/// </summary>
internal static class CommitScript
{
    /// <summary>
    /// KEYS: sequence, durable copy, recent log. ARGV: key, body, channel, log length, kind ('S' or 'D').
    /// Returns the new version, or 0 for a delete of a key that is absent or already deleted.
    /// </summary>
    public const string Source = """
        if ARGV[5] == 'D' then
          local current = redis.call('HGET', KEYS[2], ARGV[1])
          if not current then return 0 end
          local newline = string.find(current, '\n', 1, true)
          if string.sub(current, newline + 2, newline + 2) == 'D' then return 0 end
        end
        local version = redis.call('INCR', KEYS[1])
        local message = string.format('%d', version) .. '\n' .. ARGV[2]
        redis.call('HSET', KEYS[2], ARGV[1], message)
        redis.call('ZADD', KEYS[3], version, message)
        redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[4]) + 1))
        redis.call('PUBLISH', ARGV[3], message)
        return version
        """;
}
