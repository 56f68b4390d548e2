namespace AspireKv.Backend.Replication;

/// <summary>
/// The replication state that health checks, the status endpoint and metrics read. Written only by
/// <see cref="Synchronization.ReplicationSynchronizer"/> and <see cref="KeyValue.KeyValueWriter"/>; reads are lock-free snapshots.
/// </summary>
internal sealed class ReplicationStatus
{
    private long _headVersion;
    private long _fullResyncs;
    private long _restores;
    private volatile bool _initialSyncCompleted;
    private volatile bool _resyncInProgress;
    private volatile bool _redisConnected;
    private volatile bool _restoring;
    private volatile string? _epoch;
    private volatile string? _acceptedEpoch;

    /// <summary>
    /// True once the first full load has finished: from then on the memory holds every write up to
    /// <see cref="Replica.AppliedVersion"/>, and local reads may be answered from it even while a reload runs (after a
    /// restore or a failover every backend reloads at once, and none would be left to answer them). Writes, session and
    /// strong reads check for themselves what a reload changes: the epoch, and the version applied.
    /// </summary>
    public bool Ready => _initialSyncCompleted;

    /// <summary>True while a full reload of the durable copy runs after the first load: local reads may then be stale.</summary>
    public bool Reloading => _initialSyncCompleted && _resyncInProgress;

    /// <summary>Whether the last exchange with Redis succeeded.</summary>
    public bool RedisConnected => _redisConnected;

    /// <summary>True while this backend writes its data back into a Redis that lost it.</summary>
    public bool Restoring => _restoring;

    /// <summary>The epoch of the durable copy this backend last loaded.</summary>
    public string? Epoch => _epoch;

    /// <summary>
    /// The epoch whose published writes are applied: the one being loaded, from the moment a load reads it, then the
    /// one loaded. Messages of any other are dropped; a load or the recent log brings what they carried.
    /// </summary>
    public string? AcceptedEpoch => _acceptedEpoch;

    /// <summary>Of <see cref="Epoch"/> and <see cref="AcceptedEpoch"/>, the one of the higher generation: the newest history this backend has taken anything from.</summary>
    public string? HighestEpoch
    {
        get
        {
            var (loaded, accepted) = (_epoch, _acceptedEpoch);
            return Epochs.GenerationOf(accepted) > Epochs.GenerationOf(loaded) ? accepted : loaded ?? accepted;
        }
    }

    /// <summary>The highest version this backend has seen anywhere: in Redis, in a message or in its own writes.</summary>
    public long HeadVersion => Interlocked.Read(ref _headVersion);

    /// <summary>How many full loads of the durable copy have run, the first one included.</summary>
    public long FullResyncs => Interlocked.Read(ref _fullResyncs);

    /// <summary>How many restores this backend took part in (the first start of a new cluster is one).</summary>
    public long Restores => Interlocked.Read(ref _restores);

    /// <summary>
    /// Changes whenever this backend starts writing its memory back into Redis or replacing it with the durable copy.
    /// A write answered as committed after that began may be in neither: see <see cref="KeyValue.KeyValueWriter"/>.
    /// </summary>
    public long MemoryTurnover => Interlocked.Read(ref _restores) + Interlocked.Read(ref _fullResyncs);

    public void FullResyncStarted()
    {
        _resyncInProgress = true;
        Interlocked.Increment(ref _fullResyncs);
    }

    public void LoadingEpoch(string epoch) => _acceptedEpoch = epoch;

    public void FullResyncCompleted(string epoch)
    {
        _acceptedEpoch = epoch;
        _epoch = epoch;
        _resyncInProgress = false;
        _initialSyncCompleted = true;
    }

    public void RestoreStarted()
    {
        _restoring = true;
        Interlocked.Increment(ref _restores);
    }

    public void RestoreCompleted() => _restoring = false;

    public void HeadObserved(long head)
    {
        _redisConnected = true;
        long current;
        do
        {
            current = Interlocked.Read(ref _headVersion);
            if (head <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _headVersion, head, current) != current);
    }

    public void RedisUnreachable() => _redisConnected = false;
}
