namespace AspireKv.Backend.Redis;

/// <summary>The script that seeds the durable copy from a snapshot, once its keys are staged.</summary>
internal static class SnapshotScripts
{
    /// <summary>
    /// KEYS: sequence, durable copy, recent log, epoch, generation, staging. ARGV: expected head, expected epoch, new
    /// head, the new epoch's id, how many fields were staged. Answers nil, having changed nothing, when a write or a
    /// restore came in since the restore read the cluster (the head or the epoch moved), or when the staged fields are
    /// not all there (a failover between the staging and this script); else moves the staged fields into the durable
    /// copy, drops the recent log, sets the head, and answers the new epoch ('generation:id', one generation up).
    /// </summary>
    public const string Seed = """
        if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) or redis.call('GET', KEYS[4]) ~= ARGV[2] then
          return false
        end
        if redis.call('HLEN', KEYS[6]) ~= tonumber(ARGV[5]) then return false end
        local fields = redis.call('HGETALL', KEYS[6])
        for i = 1, #fields, 2 do redis.call('HSET', KEYS[2], fields[i], fields[i + 1]) end
        redis.call('DEL', KEYS[6])
        redis.call('DEL', KEYS[3])
        redis.call('SET', KEYS[1], ARGV[3])
        local epoch = string.format('%d', redis.call('INCR', KEYS[5])) .. ':' .. ARGV[4]
        redis.call('SET', KEYS[4], epoch)
        return epoch
        """;
}
