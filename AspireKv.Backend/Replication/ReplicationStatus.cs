namespace AspireKv.Backend.Replication;

/// <summary>
/// The replication state that health checks, the status endpoint and metrics read. Written only by
/// <see cref="ReplicationSynchronizer"/>; reads are lock-free snapshots of single values.
/// </summary>
internal sealed class ReplicationStatus
{
    private long _headVersion;
    private long _fullResyncs;
    private volatile bool _initialSyncCompleted;
    private volatile bool _resyncInProgress;
    private volatile bool _redisConnected;

    /// <summary>True once the first full load has finished and no full resync is running.</summary>
    public bool Ready => _initialSyncCompleted && !_resyncInProgress;

    /// <summary>True when the first full load of the durable copy has completed.</summary>
    public bool InitialSyncCompleted => _initialSyncCompleted;

    /// <summary>Whether the last exchange with Redis succeeded.</summary>
    public bool RedisConnected => _redisConnected;

    /// <summary>The newest version Redis reported.</summary>
    public long HeadVersion => Interlocked.Read(ref _headVersion);

    /// <summary>How many full loads of the durable copy have run, the first one included.</summary>
    public long FullResyncs => Interlocked.Read(ref _fullResyncs);

    public void FullResyncStarted()
    {
        _resyncInProgress = true;
        Interlocked.Increment(ref _fullResyncs);
    }

    public void FullResyncCompleted()
    {
        _resyncInProgress = false;
        _initialSyncCompleted = true;
    }

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
