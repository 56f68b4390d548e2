using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Redis;

/// <summary>
/// The Lua script that commits one write. Redis runs scripts one at a time, so the checks, the version it
/// assigns, the durable copy and the recent log can never disagree: either all happen or none. The writer then
/// publishes the message, signed (<see cref="ReplicationSigner"/>); a message that is lost on the way is read
/// back from the recent log like any other. It runs unchanged on Redis 7 and on Garnet (with <c>--lua</c>).
/// </summary>
/// <remarks>
/// Everything that can refuse a write is checked before the sequence is incremented, so every version belongs
/// to exactly one committed write. The script refuses all writes while the cluster's epoch is missing (Redis
/// restarted empty, or a restore from the backends is running) and when the sequence is below the highest
/// version the writer has already seen (Redis restarted with older data): assigning versions then could give
/// two different writes the same version.
/// </remarks>
internal static class CommitScript
{
    /// <summary>
    /// KEYS: sequence, durable copy, recent log, epoch, idempotency record ('' key when none), primary record.
    /// ARGV: key, body, log length, kind ('S' or 'D'), condition ('', '*', 'E' or a version),
    /// highest version the writer has seen, idempotency TTL in seconds, the write's <see cref="IdempotencyFingerprint"/>,
    /// the epoch the writer has loaded, '1' to check that the primary is the one the epoch started on (behind Sentinel),
    /// the time to live in milliseconds of a set ('0' for none) or, for a delete by expiry ('X'), the expiry the key's
    /// version carries, and where the expiry field starts in the body (<see cref="ReplicationMessageCodec.ExpiryOffset"/>).
    /// The idempotency record holds 'version:fingerprint' for a commit and 'code/version:fingerprint' for a write its
    /// condition refused (code 3, the version then current) or a delete of an absent key (code 2); one in any other shape
    /// cannot show that a retry is the same write, so it is refused as a reused key.
    /// Returns {code, version}, the code a <see cref="CommitStatus"/> value; a commit adds the replication id of the
    /// server that ran it ('' unless behind Sentinel), for <see cref="PrimaryConfirmation"/>, and the expiry it wrote (0 for none).
    /// </summary>
    /// <remarks>
    /// A replica promoted since the epoch started has a replication id of its own (Redis gives a server a new one when
    /// it becomes a primary): the script then ends the epoch, so that the backends write back whatever the promoted
    /// replica lacks before any version is assigned again. The check runs in the script, not before it, because the
    /// first write after a promotion must not get past it. A writer that has not loaded the current epoch is refused
    /// too: its view of the versions may belong to another history.
    /// Expiry is decided on Redis's clock alone (<c>TIME</c>, read in the script; Redis replicates a script's effects, so
    /// replicas store the expiry the primary wrote): a set's expiry is its commit time plus its time to live, and a delete
    /// by expiry commits only once that time has passed and while the key is still at the version that carried it.
    /// A refusal is recorded under the idempotency key like a commit, because it settles the write for good: an earlier
    /// attempt of the same write still on its way (in a backend that was paused, say, while the balancer sent the write
    /// to another) must not commit later, once the condition holds, after its client was told 412 or 404.
    /// </remarks>
    public const string Source = """
        local epoch = redis.call('GET', KEYS[4])
        if not epoch then return {4, 0} end
        local server = ''
        if ARGV[10] == '1' then
          server = string.match(redis.call('INFO', 'replication'), 'master_replid:(%x+)') or ''
          if redis.call('GET', KEYS[6]) ~= server then
            redis.call('DEL', KEYS[4])
            return {4, 0}
          end
        end
        if epoch ~= ARGV[9] then return {7, 0} end
        local head = tonumber(redis.call('GET', KEYS[1]) or '0')
        if head < tonumber(ARGV[6]) then return {4, head} end
        -- Records a refusal under the idempotency key, then answers it.
        local function refuse(code, version)
          if KEYS[5] ~= '' then
            redis.call('SET', KEYS[5], string.format('%d/%d', code, version) .. ':' .. ARGV[8], 'EX', tonumber(ARGV[7]))
          end
          return {code, version}
        end
        local function now()
          local time = redis.call('TIME')
          return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        end
        if KEYS[5] ~= '' then
          local prior = redis.call('GET', KEYS[5])
          if prior then
            local colon = string.find(prior, ':', 1, true)
            if not colon then return {6, 0} end
            local outcome = string.sub(prior, 1, colon - 1)
            local slash = string.find(outcome, '/', 1, true)
            local priorVersion = tonumber(slash and string.sub(outcome, slash + 1) or outcome)
            if not priorVersion then return {6, 0} end
            if string.sub(prior, colon + 1) ~= ARGV[8] then return {6, priorVersion} end
            if slash then return {tonumber(string.sub(outcome, 1, slash - 1)), priorVersion} end
            return {5, priorVersion}
          end
        end
        local current = redis.call('HGET', KEYS[2], ARGV[1])
        local currentVersion = 0
        local live = false
        if current then
          local newline = string.find(current, '\n', 1, true)
          currentVersion = tonumber(string.sub(current, 1, newline - 1))
          live = string.sub(current, newline + 2, newline + 2) == 'S'
        end
        local condition = ARGV[5]
        if condition == '*' then
          if live then return refuse(3, currentVersion) end
        elseif condition == 'E' then
          if not live then return refuse(3, currentVersion) end
        elseif condition ~= '' then
          if (not live) or currentVersion ~= tonumber(condition) then return refuse(3, currentVersion) end
        end
        if ARGV[4] == 'D' and not live then return refuse(2, currentVersion) end
        if ARGV[4] == 'X' and now() < tonumber(ARGV[11]) then return {8, currentVersion} end
        local body = ARGV[2]
        local expiry = 0
        if ARGV[4] == 'S' and tonumber(ARGV[11]) > 0 then
          expiry = now() + tonumber(ARGV[11])
          local bytes, rest = '', expiry
          for _ = 1, 8 do
            bytes = string.char(rest % 256) .. bytes
            rest = math.floor(rest / 256)
          end
          local at = tonumber(ARGV[12])
          body = string.sub(body, 1, at) .. bytes .. string.sub(body, at + 9)
        end
        local version = redis.call('INCR', KEYS[1])
        local message = string.format('%d', version) .. '\n' .. body
        redis.call('HSET', KEYS[2], ARGV[1], message)
        redis.call('ZADD', KEYS[3], version, message)
        redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[3]) + 1))
        if KEYS[5] ~= '' then redis.call('SET', KEYS[5], string.format('%d', version) .. ':' .. ARGV[8], 'EX', tonumber(ARGV[7])) end
        return {1, version, server, expiry}
        """;
}
