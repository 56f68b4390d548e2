using System.Net;
using AspireKv.Contracts;
using StackExchange.Redis;

namespace AspireKv.Testing;

/// <summary>
/// The replicated topology as plain processes (<see cref="ProcessCluster.StartReplicatedRedisAsync"/>): three
/// redis-server, one of them the primary, and three redis-sentinel, with the AppHost's configuration files. Asks
/// the Sentinels which server is the primary, and the servers for their role, directly.
/// </summary>
public sealed class ReplicatedRedis
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);
    private readonly string _password;

    internal ReplicatedRedis(IReadOnlyList<ServiceProcess> servers, IReadOnlyList<ServiceProcess> sentinels, string password)
    {
        Servers = servers;
        Sentinels = sentinels;
        _password = password;
    }

    public IReadOnlyList<ServiceProcess> Servers { get; }

    public IReadOnlyList<ServiceProcess> Sentinels { get; }

    /// <summary>What the backends are given: the Sentinels, so that they follow a promotion.</summary>
    public string ConnectionString => ReplicatedRedisConfig.ConnectionString(Sentinels.Select(sentinel => sentinel.Port), _password);

    /// <summary>The server the first Sentinel that answers names as the primary, or null when none answers.</summary>
    public async Task<ServiceProcess?> NamedPrimaryAsync()
    {
        foreach (var sentinel in Sentinels)
        {
            if (await AskSentinelAsync(sentinel).ConfigureAwait(false) is { } port)
            {
                return Servers.SingleOrDefault(server => server.Port == port);
            }
        }

        return null;
    }

    /// <summary>
    /// Whole again: every Sentinel that is running answers and names the same server, that server says it is the
    /// primary, and both other servers follow it (<c>state=online</c>: they have its copy, not just a connection).
    /// </summary>
    public async Task<bool> IsWholeAsync()
    {
        int? named = null;
        foreach (var sentinel in Sentinels.Where(sentinel => sentinel.IsRunning))
        {
            var port = await AskSentinelAsync(sentinel).ConfigureAwait(false);
            if (port is null || (named is not null && named != port))
            {
                return false;
            }

            named = port;
        }

        if (named is not { } primary)
        {
            return false;
        }

        var info = await ReplicationInfoAsync(primary).ConfigureAwait(false);
        return info is not null
            && info.GetValueOrDefault("role") == "master"
            && info.Count(pair => pair.Key.StartsWith("slave", StringComparison.Ordinal) && pair.Value.Contains("state=online", StringComparison.Ordinal))
                == Servers.Count - 1;
    }

    /// <summary>Starts a server that was killed and makes it a replica of the primary the Sentinels name, as an operator would.</summary>
    /// <remarks>
    /// Started as it was (it may come up as a primary with its old data), it would wait for a Sentinel to turn it
    /// into a replica; nothing reaches it meanwhile (clients ask the Sentinels), but the topology stays short a replica.
    /// </remarks>
    public async Task RestartAsReplicaAsync(ServiceProcess server)
    {
        ArgumentNullException.ThrowIfNull(server);
        await server.KillAsync().ConfigureAwait(false);
        server.Start();
        await ProcessCluster.WaitListeningAsync(server.Port).ConfigureAwait(false);
        if (await NamedPrimaryAsync().ConfigureAwait(false) is not { } primary || primary == server)
        {
            return;
        }

        // A server refuses commands (LOADING) until it has read its append-only file, and may not answer at all at first.
        await ProcessCluster.EventuallyAsync($"{server.Name} to follow {primary.Name}", TimeSpan.FromSeconds(30), async () =>
        {
            try
            {
                await using var connection = await ConnectAsync(server.Port, CommandMap.Default).ConfigureAwait(false);
                // Sent as is: StackExchange.Redis's ReplicaOfAsync takes "OK Already connected to specified master"
                // (the file already named that primary) for a failure.
                await connection.GetServer(IPAddress.Loopback, server.Port)
                    .ExecuteAsync("REPLICAOF", "127.0.0.1", primary.Port).ConfigureAwait(false);
                return true;
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("LOADING", StringComparison.Ordinal))
            {
                return false;
            }
            catch (RedisConnectionException)
            {
                return false; // listening, but not yet answering the handshake
            }
        }).ConfigureAwait(false);
    }

    private async Task<int?> AskSentinelAsync(ServiceProcess sentinel)
    {
        try
        {
            await using var connection = await ConnectAsync(sentinel.Port, CommandMap.Sentinel).ConfigureAwait(false);
            var address = await connection.GetServer(IPAddress.Loopback, sentinel.Port)
                .SentinelGetMasterAddressByNameAsync(ReplicatedRedisConfig.ServiceName).WaitAsync(QueryTimeout).ConfigureAwait(false);
            return (address as IPEndPoint)?.Port;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return null; // down or hung
        }
    }

    private async Task<Dictionary<string, string>?> ReplicationInfoAsync(int port)
    {
        try
        {
            await using var connection = await ConnectAsync(port, CommandMap.Default).ConfigureAwait(false);
            var info = await connection.GetServer(IPAddress.Loopback, port).InfoAsync("replication").WaitAsync(QueryTimeout).ConfigureAwait(false);
            return info.SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private Task<ConnectionMultiplexer> ConnectAsync(int port, CommandMap commands)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, port } },
            Password = _password,
            CommandMap = commands,
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = (int)QueryTimeout.TotalMilliseconds,
            ConnectRetry = 0,
        };
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
