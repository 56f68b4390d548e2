namespace AspireKv.Backend.Redis;

/// <summary>
/// The script that reads the cluster's state behind Sentinel: the head and the epoch, and whether the server answering
/// as primary is still the one the epoch started on. A single Redis is read with a plain <c>MGET</c>.
/// </summary>
internal static class StateScript
{
    /// <summary>
    /// KEYS: sequence, epoch, primary record. Returns {head, epoch, changed, replicas}: changed 1 when there is an epoch
    /// and the primary is not the one it started on; replicas, how many replicas are connected to it. It writes nothing, so a primary that refuses writes (too few replicas) still answers it.
    /// </summary>
    public const string Source = """
        #!lua flags=no-writes
        local info = redis.call('INFO', 'replication')
        local epoch = redis.call('GET', KEYS[2])
        local changed = 0
        if epoch and redis.call('GET', KEYS[3]) ~= string.match(info, 'master_replid:(%x+)') then changed = 1 end
        return {redis.call('GET', KEYS[1]) or false, epoch, changed, tonumber(string.match(info, 'connected_slaves:(%d+)') or '0')}
        """;
}
