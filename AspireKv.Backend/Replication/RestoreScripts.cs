namespace AspireKv.Backend.Replication;

/// <summary>
/// The scripts of a restore: after Redis lost data, every live backend writes what it holds back into the
/// durable copy (the higher version of each key wins) and the sequence moves past every version any of them
/// has seen; only then does a new epoch let writes in again. See docs/architecture.md.
/// </summary>
internal static class RestoreScripts
{
    /// <summary>KEYS: barrier, members, member. ARGV: node, barrier ms, membership ms.</summary>
    public const string Join = """
        redis.call('SET', KEYS[1], '1', 'NX', 'PX', tonumber(ARGV[2]))
        redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('SET', KEYS[3], '1', 'PX', tonumber(ARGV[3]))
        return 1
        """;

    /// <summary>KEYS: sequence, durable copy. ARGV: highest seen version, then (key, message, version) triples.</summary>
    public const string WriteBack = """
        for i = 2, #ARGV, 3 do
          local version = tonumber(ARGV[i + 2])
          local current = redis.call('HGET', KEYS[2], ARGV[i])
          local currentVersion = 0
          if current then
            currentVersion = tonumber(string.sub(current, 1, string.find(current, '\n', 1, true) - 1))
          end
          if version > currentVersion then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
        end
        local head = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) > head then redis.call('SET', KEYS[1], ARGV[1]) end
        return 1
        """;

    /// <summary>KEYS: members, member. ARGV: node.</summary>
    public const string Leave = """
        redis.call('SREM', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        return 1
        """;

    /// <summary>
    /// KEYS: epoch, barrier, members. ARGV: new epoch, member key prefix. Returns the epoch in force, or nil while
    /// the barrier stands or a member is still writing back. Members whose liveness key expired (they died) are dropped.
    /// </summary>
    public const string TryComplete = """
        local epoch = redis.call('GET', KEYS[1])
        if epoch then return epoch end
        if redis.call('EXISTS', KEYS[2]) == 1 then return false end
        for _, member in ipairs(redis.call('SMEMBERS', KEYS[3])) do
          if redis.call('EXISTS', ARGV[2] .. member) == 1 then return false end
          redis.call('SREM', KEYS[3], member)
        end
        redis.call('SET', KEYS[1], ARGV[1])
        return ARGV[1]
        """;

    /// <summary>KEYS: epoch. ARGV: the epoch to end.</summary>
    public const string Invalidate = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;
}
