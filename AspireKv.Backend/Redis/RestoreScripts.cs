namespace AspireKv.Backend.Redis;

/// <summary>
/// The scripts of a restore: after Redis lost data, every live backend writes what it holds back into the
/// durable copy (the higher version of each key wins) and the sequence moves past every version any of them
/// has seen; only then does a new epoch let writes in again. See docs/architecture.md.
/// </summary>
internal static class RestoreScripts
{
    /// <summary>
    /// KEYS: barrier, members, member, generation. ARGV: node, barrier ms, membership ms, the generation the node last
    /// loaded: the next epoch's generation is higher than every member's.
    /// </summary>
    public const string Join = """
        redis.call('SET', KEYS[1], '1', 'NX', 'PX', tonumber(ARGV[2]))
        redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('SET', KEYS[3], '1', 'PX', tonumber(ARGV[3]))
        if tonumber(redis.call('GET', KEYS[4]) or '0') < tonumber(ARGV[4]) then redis.call('SET', KEYS[4], ARGV[4]) end
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
    /// KEYS: epoch, barrier, members, generation, primary record, then each member's liveness key. ARGV: the new
    /// epoch's id, '1' to record which server the epoch starts on (behind Sentinel), then the members' names, in the
    /// order of their keys. Returns the epoch in force, or nil while the barrier stands, a member is still writing
    /// back, or the members are not those passed (the caller read them before a backend joined or left: it asks
    /// again). Members whose liveness key expired (they died) are dropped. The new epoch is 'generation:id', its
    /// generation one above the highest any member had loaded (<see cref="Replication.Epochs"/>). Behind Sentinel, an
    /// epoch found in force that started on another server (this one was promoted since, and the epoch came with its
    /// copy of the data) is ended here, not returned: a backend that read its state elsewhere, or whose end of the
    /// epoch went to another server, would otherwise load an epoch the next state read calls changed.
    /// </summary>
    /// <remarks>Members come in KEYS, not as names to build keys from: Garnet locks, and so protects, only the keys in KEYS.</remarks>
    public const string TryComplete = """
        local epoch = redis.call('GET', KEYS[1])
        if epoch and ARGV[2] == '1'
          and redis.call('GET', KEYS[5]) ~= string.match(redis.call('INFO', 'replication'), 'master_replid:(%x+)') then
          redis.call('DEL', KEYS[1])
          epoch = false
        end
        if epoch then return epoch end
        if redis.call('EXISTS', KEYS[2]) == 1 then return false end
        if redis.call('SCARD', KEYS[3]) ~= #ARGV - 2 then return false end
        for i = 3, #ARGV do
          if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then return false end
        end
        for i = 6, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 1 then return false end
        end
        for i = 3, #ARGV do redis.call('SREM', KEYS[3], ARGV[i]) end
        epoch = string.format('%d', redis.call('INCR', KEYS[4])) .. ':' .. ARGV[1]
        if ARGV[2] == '1' then
          redis.call('SET', KEYS[5], string.match(redis.call('INFO', 'replication'), 'master_replid:(%x+)'))
        end
        redis.call('SET', KEYS[1], epoch)
        return epoch
        """;

    /// <summary>KEYS: epoch. ARGV: the epoch to end.</summary>
    public const string Invalidate = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;
}
