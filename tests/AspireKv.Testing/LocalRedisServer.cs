using System.Globalization;
using System.Reflection;

namespace AspireKv.Testing;

/// <summary>
/// A memory-only Redis server (Debian's redis-server or the product's Garnet host) on a free loopback port, for
/// tests of the Redis adapter itself. Stopped by PID when disposed.
/// </summary>
public sealed class LocalRedisServer : IAsyncDisposable
{
    private readonly ProcessCluster _processes;

    private LocalRedisServer(ProcessCluster processes, ServiceProcess server)
    {
        _processes = processes;
        Port = server.Port;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},abortConnect=false");

    /// <summary>
    /// Starts a server of <paramref name="kind"/>. Garnet is started from the build of <c>AspireKv.GarnetHost</c> in
    /// this assembly's configuration (a test project that uses it references that project, so it is built).
    /// </summary>
    public static async Task<LocalRedisServer> StartAsync(RedisServerKind kind = RedisServerKind.RedisServer, CancellationToken cancellationToken = default)
    {
        var configuration = typeof(LocalRedisServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var processes = new ProcessCluster(ProcessCluster.FindRepositoryRoot(), configuration);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new LocalRedisServer(processes, await processes.StartRedisAsync(kind).ConfigureAwait(false));
        }
        catch
        {
            await processes.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _processes.DisposeAsync();
}
