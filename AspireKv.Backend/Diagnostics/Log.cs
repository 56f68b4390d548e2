namespace AspireKv.Backend.Diagnostics;

/// <summary>The backend's log messages, source-generated, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Dropped a replication message of {Length} bytes that could not be decoded")]
    public static partial void MalformedMessage(ILogger logger, long length);

    [LoggerMessage(2, LogLevel.Information, "Subscribed to replication messages")]
    public static partial void Subscribed(ILogger logger);

    [LoggerMessage(3, LogLevel.Information, "Loaded the durable copy: {Entries} entries, applied version {AppliedVersion}")]
    public static partial void FullSyncCompleted(ILogger logger, long entries, long appliedVersion);

    [LoggerMessage(4, LogLevel.Information, "Caught up {Count} writes from the recent log, applied version {AppliedVersion}")]
    public static partial void CaughtUp(ILogger logger, int count, long appliedVersion);

    [LoggerMessage(5, LogLevel.Warning, "The recent log no longer reaches back to version {Missing}; reloading the durable copy")]
    public static partial void LogTooShort(ILogger logger, long missing);

    [LoggerMessage(6, LogLevel.Warning, "Redis is unreachable; serving reads from memory and refusing writes")]
    public static partial void RedisUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Reconnected to Redis; catching up")]
    public static partial void Reconnected(ILogger logger);

    [LoggerMessage(8, LogLevel.Information, "Registered with the balancer at {BalancerUrl} as {Name} ({Address})")]
    public static partial void Registered(ILogger logger, Uri balancerUrl, string name, string address);

    [LoggerMessage(9, LogLevel.Warning, "Could not register with the balancer at {BalancerUrl}: {Reason}")]
    public static partial void RegistrationFailed(ILogger logger, Uri balancerUrl, string reason);

    [LoggerMessage(10, LogLevel.Information, "Deregistered from the balancer")]
    public static partial void Deregistered(ILogger logger);

    [LoggerMessage(11, LogLevel.Warning, "Redis reports version {Head} but this backend has applied {Applied}: Redis has lost writes; restoring it")]
    public static partial void RedisBehind(ILogger logger, long head, long applied);

    [LoggerMessage(12, LogLevel.Warning, "Redis has no epoch (it restarted empty, lost writes, or the cluster is new): writing {Entries} entries back")]
    public static partial void RestoreStarted(ILogger logger, int entries);

    [LoggerMessage(14, LogLevel.Warning, "Dropped a channel message of {Length} bytes without a valid signature: someone without the replication key published it")]
    public static partial void RejectedMessage(ILogger logger, long length);

    [LoggerMessage(13, LogLevel.Information, "Restore complete; epoch {Epoch}")]
    public static partial void RestoreCompleted(ILogger logger, string epoch);

    [LoggerMessage(15, LogLevel.Warning, "Redis's primary is not the server epoch {Epoch} started on (a replica was promoted): ending the epoch and restoring")]
    public static partial void PrimaryChanged(ILogger logger, string epoch);

    [LoggerMessage(17, LogLevel.Error, "A synchronization with Redis failed unexpectedly; trying again at the next check")]
    public static partial void SynchronizationFailed(ILogger logger, Exception exception);

    [LoggerMessage(18, LogLevel.Debug, "Could not ask Redis's primary for its replicas: {Reason}")]
    public static partial void RedisServersUnreadable(ILogger logger, string reason);

    [LoggerMessage(20, LogLevel.Warning, "The server the Redis connection takes for the primary, {Server}, answers as a replica")]
    public static partial void PrimaryAnswersAsReplica(ILogger logger, string server);

    // A warning, so that the logs kept of a fault run (warnings and above) say why each 504 was given.
    [LoggerMessage(19, LogLevel.Warning, "A write of {Key} is answered 504 Write outcome unknown: {Reason}")]
    public static partial void WriteOutcomeUnknown(ILogger logger, string key, string reason);

    [LoggerMessage(21, LogLevel.Debug, "Redis's clock could not be read: {Reason}")]
    public static partial void ClockUnreadable(ILogger logger, string reason);

    [LoggerMessage(22, LogLevel.Debug, "The expiry of {Key} could not be committed now: {Reason}")]
    public static partial void ExpiryDeferred(ILogger logger, string key, string reason);
}
