using System.ComponentModel.DataAnnotations;
using AspireKv.Contracts;

namespace AspireKv.Backend.Replication;

/// <summary>How a backend replicates (configuration section <c>Replication</c>).</summary>
internal sealed class ReplicationOptions
{
    public const string SectionName = "Replication";

    /// <summary>
    /// Prefix of every Redis key and channel of one cluster. The keys share the hash tag <c>{prefix}</c> so the
    /// write script also runs on a Redis Cluster shard.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string KeyPrefix { get; set; } = "aspirekv";

    /// <summary>
    /// The key that signs replication messages on the channel (HMAC-SHA256). Every backend of a cluster needs the
    /// same one; the AppHost generates it. Required unless <c>Cluster:AllowInsecureDevelopment</c> is set.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// How many of Redis's replicas must have received a write before it is acknowledged (Redis's <c>WAIT</c>), so
    /// that it survives the loss of the primary. Unset: 1 when the connection string names a Sentinel service
    /// (<c>serviceName=</c>), else 0, since a single Redis has no replica to wait for.
    /// </summary>
    [Range(0, 16)]
    public int? MinReplicaAcks { get; set; }

    /// <summary>How long a write waits for <see cref="MinReplicaAcks"/> replicas before it is answered "outcome unknown".</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan ReplicaAckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Behind Sentinel, a commit answered after this long is acknowledged only once no other server answers as the
    /// primary: it may have been queued in a primary that hung past a failover and run there when it resumed, where
    /// replicas not yet moved to the new primary can still confirm it. The Sentinels' down-after time, since no
    /// failover ends sooner.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PrimaryConfirmationAfter { get; set; } = ReplicatedRedisConfig.DownAfter;

    /// <summary>How many recent writes the log keeps for replicas that missed messages.</summary>
    [Range(100, 10_000_000)]
    public int LogLength { get; set; } = 100_000;

    /// <summary>How often a backend asks Redis for the newest version, to find writes whose message it missed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a gap may stay open before it is filled from the log. Messages can overtake each other
    /// briefly (a writer applies its own write before older messages arrive), so a gap is not acted on at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan GapGracePeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many log entries one catch-up round trip reads.</summary>
    [Range(1, 100_000)]
    public int CatchUpBatchSize { get; set; } = 1_000;

    /// <summary>
    /// How long a restore waits, at least, for every live backend to join before the new epoch lets writes in.
    /// Must exceed <see cref="CatchUpInterval"/> comfortably: a backend notices the missing epoch at its next check.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RestoreBarrier { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a backend's place in a restore lasts unless it renews it (it does after every batch it writes back):
    /// a backend that dies mid-restore holds the new epoch back for at most this long. Must exceed the time one
    /// batch of <see cref="RestoreBatchSize"/> entries takes to write back.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RestoreMemberTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a session or strong read waits, in all, for the head from Redis (strong) and for this backend to apply
    /// the version it needs, before answering 503. Below the balancer's request timeout, so that a read Redis holds up
    /// is answered, not timed out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ReadWaitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many entries one write-back round trip carries during a restore.</summary>
    [Range(1, 10_000)]
    public int RestoreBatchSize { get; set; } = 500;

    /// <summary>
    /// Whether StackExchange.Redis completes its I/O on the .NET thread pool (the default) instead of its own pool of
    /// dedicated threads. Read when the connection is made. On two cores the dedicated threads' hand-offs were most
    /// of the backend's lock contention, and the thread pool gave more write throughput for less CPU
    /// (docs/performance.md); <c>false</c> goes back to the library's default.
    /// </summary>
    public bool RedisOnThreadPool { get; set; } = true;
}
