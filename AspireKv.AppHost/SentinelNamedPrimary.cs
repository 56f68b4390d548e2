using System.Net;
using AspireKv.Contracts;
using StackExchange.Redis;

namespace AspireKv.AppHost;

/// <summary>
/// Asks the Sentinels which server is the primary now. A server started again from the dashboard (after a crash, a
/// stop or a restart) is given the file it had when the AppHost started; a primary that died meanwhile was never told
/// of the promotion, so that file would bring it back as a second primary, with its old data, until a Sentinel turns it
/// into a replica, and clients that look for the primary by asking every server its role could pick it.
/// </summary>
internal static class SentinelNamedPrimary
{
    /// <summary>Long enough for a Sentinel on loopback; a hung or stopped one must not hold a start up for longer.</summary>
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The port of the primary most of the answering Sentinels name, or null when none answers (on the first start
    /// they are not running yet: they wait for the servers).
    /// </summary>
    public static async Task<int?> AskAsync(IReadOnlyList<int> sentinelPorts, string password, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(sentinelPorts.Select(port => AskOneAsync(port, password, cancellationToken))).ConfigureAwait(false);
        return answers.OfType<int>().GroupBy(port => port).OrderByDescending(group => group.Count()).Select(group => (int?)group.Key).FirstOrDefault();
    }

    /// <summary>
    /// Before each start of a server, rewrites its file so that it starts as what the Sentinels say it is: a replica of
    /// the primary they name, or the primary. When no Sentinel answers, the file stays as it is.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> WithRoleFromSentinels(
        this IResourceBuilder<ExecutableResource> server, int port, IReadOnlyList<int> sentinelPorts, string password, Action<int?> writeConfig)
    {
        ArgumentNullException.ThrowIfNull(writeConfig);
        return server.OnBeforeResourceStarted(async (_, _, cancellationToken) =>
        {
            if (await AskAsync(sentinelPorts, password, cancellationToken).ConfigureAwait(false) is { } primary)
            {
                writeConfig(primary == port ? null : primary);
            }
        });
    }

    private static async Task<int?> AskOneAsync(int port, string password, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
            {
                EndPoints = { { IPAddress.Loopback, port } },
                Password = password,
                CommandMap = CommandMap.Sentinel,
                AbortOnConnectFail = true,
                ConnectTimeout = (int)QueryTimeout.TotalMilliseconds,
                ConnectRetry = 1,
            }).WaitAsync(QueryTimeout, cancellationToken).ConfigureAwait(false);
            var address = await connection.GetServer(IPAddress.Loopback, port)
                .SentinelGetMasterAddressByNameAsync(ReplicatedRedisConfig.ServiceName).WaitAsync(QueryTimeout, cancellationToken).ConfigureAwait(false);
            return (address as IPEndPoint)?.Port;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return null; // not running yet, down or hung
        }
    }
}
