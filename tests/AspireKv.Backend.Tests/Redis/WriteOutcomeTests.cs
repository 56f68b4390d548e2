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
    public void MayHaveReachedRedis_OnlyUnsentCallsAreCertain(string failure, bool unknown) =>
        Assert.Equal(unknown, RedisReplicationLog.MayHaveReachedRedis(Failure(failure)));

    private static Exception Failure(string name) => name switch
    {
        "unable to connect" => new RedisConnectionException(ConnectionFailureType.UnableToConnect, name),
        "no connection available" => new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, name),
        "socket closed in flight" => new RedisConnectionException(ConnectionFailureType.SocketClosed, name),
        "connection disposed" => new RedisConnectionException(ConnectionFailureType.ConnectionDisposed, name),
        "redis timeout before sending" => new RedisTimeoutException(name, CommandStatus.WaitingToBeSent),
        "redis timeout" => new RedisTimeoutException(name, CommandStatus.Sent),
        _ => new TimeoutException(name),
    };
}
