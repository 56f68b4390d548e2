using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Aspire.Hosting.ApplicationModel;
using StackExchange.Redis;

namespace AspireKv.FailoverTests;

/// <summary>One Redis server of the replicated topology as it runs now: its resource, address, process and role.</summary>
/// <param name="Resource">The server's resource name.</param>
/// <param name="Port">Its port on 127.0.0.1.</param>
/// <param name="ProcessId">Its process id.</param>
/// <param name="IsPrimary">Whether it says it is a primary.</param>
/// <param name="OnlineReplicas">
/// Replicas that follow the primary's stream (<c>state=online</c>); <c>connected_slaves</c> also counts one still waiting
/// for its first copy, which cannot be promoted with the primary's data.
/// </param>
internal sealed record RedisServer(string Resource, int Port, int ProcessId, bool IsPrimary, int OnlineReplicas)
{
    /// <summary>Sends <paramref name="signal"/> (KILL, STOP, CONT) to the server's process.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", ProcessId.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {ProcessId} ({Resource}) failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>The servers, asked directly (not through the Sentinels) for their process and role.</summary>
    public static async Task<IReadOnlyList<RedisServer>> ListAsync(DistributedApplication app, string password, CancellationToken cancellationToken, string? only = null)
    {
        var servers = new List<RedisServer>();
        foreach (var resource in ReplicatedAppFixture.Servers.Where(name => only is null || name == only))
        {
            var port = app.GetEndpoint(resource, "tcp").Port;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(
                $"127.0.0.1:{port},password={password},allowAdmin=true,abortConnect=false,connectTimeout=2000");
            var server = connection.GetServer("127.0.0.1", port);
            var info = (await server.InfoAsync()).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value);
            cancellationToken.ThrowIfCancellationRequested();
            servers.Add(new RedisServer(
                resource,
                port,
                int.Parse(info["process_id"], CultureInfo.InvariantCulture),
                info["role"] == "master",
                info.Count(pair => pair.Key.StartsWith("slave", StringComparison.Ordinal) && pair.Value.Contains("state=online", StringComparison.Ordinal))));
        }

        return servers;
    }
}
