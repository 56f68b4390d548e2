using AspireKv.Backend.Redis;
using StackExchange.Redis;

namespace AspireKv.Backend.Tests.Redis;

/// <summary>
/// A write refused with "nothing was written" must really be unwritten: only a call that certainly never left
/// the backend may be reported so; anything else is an unknown outcome (504), which the client must resolve.
/// </summary>
public sealed class WriteOutcomeTests
{
    [Theory]
    [InlineData("unable to connect", false)]
    [InlineData("no connection available", false)]
    [InlineData("socket closed in flight", true)]
    [InlineData("connection disposed", true)]
    [InlineData("redis timeout before sending", false)]
    [InlineData("redis timeout", true)]
    [InlineData("timeout", true)]
    [InlineData("wait on a demoted primary", true)]
    public void MayHaveReachedRedis_OnlyUnsentCallsAreCertain(string failure, bool unknown) =>
        Assert.Equal(unknown, RedisReplicationLog.MayHaveReachedRedis(Failure(failure)));

    [Theory]
    [InlineData("unable to connect")]
    [InlineData("socket closed in flight")]
    [InlineData("connection disposed")]
    [InlineData("redis timeout")]
    [InlineData("canceled by the connection")]
    [InlineData("read after the connection closed its pipe")]
    [InlineData("server busy")]
    [InlineData("replicas missing")]
    [InlineData("connection reset by the killed primary")]
    [InlineData("wait on a demoted primary")]
    public void IsUnavailable_TransientFailures_AreRetryable(string failure) =>
        Assert.True(RedisReplicationLog.IsUnavailable(Failure(failure)));

    [Fact]
    public void IsUnavailable_ABrokenScript_IsABugNotAnOutage() =>
        Assert.False(RedisReplicationLog.IsUnavailable(new RedisServerException("ERR user_script:1: Script attempted to access nonexistent global variable")));

    [Fact]
    public void MayHaveReachedRedis_ACallTheConnectionCanceled_IsUnknown() =>
        Assert.True(RedisReplicationLog.MayHaveReachedRedis(Failure("canceled by the connection")));

    [Fact]
    public void MayHaveReachedRedis_AConnectionResetInFlight_IsUnknown() =>
        Assert.True(RedisReplicationLog.MayHaveReachedRedis(Failure("connection reset by the killed primary")));

    private static Exception Failure(string name) => name switch
    {
        "canceled by the connection" => new TaskCanceledException(),
        // What Pipelines.Sockets.Unofficial throws (ConnectionResetException derives from IOException).
        "connection reset by the killed primary" => new IOException("Connection reset by peer"),
        "read after the connection closed its pipe" => new InvalidOperationException("Reading is not allowed after reader was completed."),
        // The commit's WAIT, sent on a connection whose server became a replica after (or before) its script ran.
        "wait on a demoted primary" => new RedisServerException("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."),
        "server busy" => new RedisServerException("BUSY Redis is busy running a script"),
        "replicas missing" => new RedisServerException("NOREPLICAS Not enough good replicas to write."),
        "unable to connect" => new RedisConnectionException(ConnectionFailureType.UnableToConnect, name),
        "no connection available" => new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, name),
        "socket closed in flight" => new RedisConnectionException(ConnectionFailureType.SocketClosed, name),
        "connection disposed" => new RedisConnectionException(ConnectionFailureType.ConnectionDisposed, name),
        "redis timeout before sending" => new RedisTimeoutException(name, CommandStatus.WaitingToBeSent),
        "redis timeout" => new RedisTimeoutException(name, CommandStatus.Sent),
        _ => new TimeoutException(name),
    };
}
