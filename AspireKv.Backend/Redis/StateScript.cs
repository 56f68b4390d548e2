namespace AspireKv.Backend.Redis;

/// <summary>
/// The script that reads the cluster's state behind Sentinel: the head and the epoch, and whether the server answering
/// as primary is still the one the epoch started on. A single Redis is read with a plain <c>MGET</c>.
/// </summary>
internal static class StateScript
{
    /// <summary>
    /// KEYS: sequence, epoch, primary record. Returns {head, epoch, changed}, changed 1 when there is an epoch and the
    /// primary is not the one it started on. It writes nothing, so a primary that refuses writes (too few replicas) still answers it.
    /// </summary>
    public const string Source = """
        #!lua flags=no-writes
        local epoch = redis.call('GET', KEYS[2])
        local changed = 0
        if epoch and redis.call('GET', KEYS[3]) ~= string.match(redis.call('INFO', 'replication'), 'master_replid:(%x+)') then changed = 1 end
        return {redis.call('GET', KEYS[1]) or false, epoch, changed}
        """;
}
