using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// Behind Sentinel, tells whether the server a commit ran on is still the only one answering as the primary. A
/// primary hung past a failover runs the commits queued in it when it resumes, and its replicas, not yet moved to the
/// new primary, can confirm them (<c>WAIT</c>) in the moments before the Sentinels reconfigure them; such a write is
/// then on no server that will survive. The promoted replica already answers as a primary with a replication id of
/// its own, so asking every known server finds it.
/// </summary>
internal sealed class PrimaryConfirmation(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>How long one server may take to answer; one that does not is taken for one that is not serving.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    /// <summary>True when no known server but the one with replication id <paramref name="committedOn"/> answers as a primary.</summary>
    public async Task<bool> IsOnlyPrimaryAsync(string committedOn)
    {
        var answers = await Task.WhenAll(redis.GetServers().Select(AskAsync)).ConfigureAwait(false);
        return !AnswersAnotherPrimary(committedOn, answers);
    }

    /// <summary>Whether any of <paramref name="replicationSections"/> (<c>INFO replication</c>, null for a server that did not answer) is a primary other than <paramref name="committedOn"/>.</summary>
    public static bool AnswersAnotherPrimary(string committedOn, IEnumerable<string?> replicationSections) =>
        replicationSections.Any(section => section is not null
            && ReplicationInfo.Field(section, "role") == "master"
            && ReplicationInfo.Field(section, "master_replid") != committedOn);

    private async Task<string?> AskAsync(IServer server)
    {
        try
        {
            return (string?)await server.ExecuteAsync("EVAL", RedisServersMonitor.ReadReplication, 0).WaitAsync(AskTimeout, time).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Not reachable from here: not serving writes from here either.
            return null;
        }
    }
}
