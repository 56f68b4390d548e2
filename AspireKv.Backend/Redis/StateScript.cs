namespace AspireKv.Backend.Redis;

/// <summary>
/// The scripts that read the cluster's state behind Sentinel: the head and the epoch, whether the server answering as
/// primary is still the one the epoch started on, and the log and the durable copy from that same server only. A
/// single Redis is read with plain commands.
/// </summary>
internal static class StateScript
{
    /// <summary>
    /// KEYS: sequence, epoch, primary record. Returns {head, epoch, changed, replicas, server, clock}: changed 1 when there is
    /// an epoch and the primary is not the one it started on; replicas, how many replicas are connected to it; server,
    /// its replication id, which the reads that follow (<see cref="ReadRange"/>, <see cref="ScanDurableCopy"/>) must
    /// find again; clock, its <c>TIME</c> in milliseconds. It writes nothing, so a primary that refuses writes (too few replicas) still answers it.
    /// </summary>
    public const string Source = """
        #!lua flags=no-writes
        local info = redis.call('INFO', 'replication')
        local server = string.match(info, 'master_replid:(%x+)')
        local epoch = redis.call('GET', KEYS[2])
        local changed = 0
        if epoch and redis.call('GET', KEYS[3]) ~= server then changed = 1 end
        local time = redis.call('TIME')
        local clock = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        return {redis.call('GET', KEYS[1]) or false, epoch, changed, tonumber(string.match(info, 'connected_slaves:(%d+)') or '0'), server, clock}
        """;

    /// <summary>
    /// KEYS: recent log. ARGV: from version, to version, limit, the server the state was read from. The entries of the
    /// log in that range, or the error SERVERCHANGED when another server answers: while a demoted primary still answers
    /// as one, StackExchange.Redis may send one call to it and the next to the new primary, and what the old one holds
    /// must never be mixed into what the new one said.
    /// </summary>
    public const string ReadRange = """
        #!lua flags=no-writes
        if string.match(redis.call('INFO', 'replication'), 'master_replid:(%x+)') ~= ARGV[4] then
          return redis.error_reply('SERVERCHANGED the primary is not the server the state was read from')
        end
        return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
        """;

    /// <summary>
    /// KEYS: durable copy. ARGV: cursor, page size, the server the state was read from. Returns {next cursor, fields and
    /// values}, or the error SERVERCHANGED (see <see cref="ReadRange"/>).
    /// </summary>
    public const string ScanDurableCopy = """
        #!lua flags=no-writes
        if string.match(redis.call('INFO', 'replication'), 'master_replid:(%x+)') ~= ARGV[3] then
          return redis.error_reply('SERVERCHANGED the primary is not the server the state was read from')
        end
        return redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[2]))
        """;
}
