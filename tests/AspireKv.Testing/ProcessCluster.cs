using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AspireKv.Contracts;

namespace AspireKv.Testing;

/// <summary>
/// Starts the pieces of AspireKv as plain processes (Debian's redis-server and the builds of the backends and
/// the balancer), on loopback ports, and stops them by PID. The chaos runner and the benchmarks that inject
/// faults use it instead of the AppHost, so that they control every process.
/// </summary>
/// <param name="repositoryRoot">The folder that holds AspireKv.sln.</param>
/// <param name="configuration">Which build of the services to start (Debug or Release); it must be built.</param>
public sealed class ProcessCluster(string repositoryRoot, string configuration = "Release") : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<ServiceProcess> _processes = [];
    private readonly List<string> _directories = [];

    /// <summary>The cluster secret (and replication key) every process started here shares.</summary>
    public string Secret { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Extra settings for every backend started from now on (environment variable form, <c>Section__Key</c>).</summary>
    public Dictionary<string, string> BackendSettings { get; } = [];

    /// <summary>Extra settings for every balancer started from now on.</summary>
    public Dictionary<string, string> BalancerSettings { get; } = [];

    /// <summary>When set, each process started from now on writes its output (warnings and errors) to <c>{name}.log</c> here.</summary>
    public string? LogDirectory { get; set; }

    /// <summary>The first folder above <paramref name="start"/> (default: the running program's) that holds AspireKv.sln.</summary>
    public static string FindRepositoryRoot(string? start = null)
    {
        for (var directory = new DirectoryInfo(start ?? AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AspireKv.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("AspireKv.sln not found above " + (start ?? AppContext.BaseDirectory));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts a Redis server of <paramref name="kind"/> on a free port. With <paramref name="durable"/> it keeps an
    /// append-only file, written before each write is answered, in a folder of its own, so that a crash of the
    /// process loses nothing (<see cref="RestartRedisAsync"/>): redis-server with <c>appendfsync always</c>; Garnet
    /// with its log committed after every operation and the answer held until the commit
    /// (<c>--aof-commit-freq 0 --aof-commit-wait</c>). Garnet is the build of <c>AspireKv.GarnetHost</c>, so it
    /// runs with the product's own settings.
    /// </summary>
    public async Task<ServiceProcess> StartRedisAsync(RedisServerKind kind = RedisServerKind.RedisServer, bool durable = false)
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("aspirekv-redis-").FullName;
        _directories.Add(directory);
        var start = kind switch
        {
            RedisServerKind.RedisServer => StartInfo("redis-server",
                ["--port", Text(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory,
                 .. durable ? ["--appendonly", "yes", "--appendfsync", "always"] : (string[])["--appendonly", "no"]], []),
            RedisServerKind.Garnet => StartInfo("dotnet", Service("AspireKv.GarnetHost"),
            [
                ("Garnet__Port", Text(port)),
                ("Garnet__DataDirectory", durable ? directory : string.Empty),
                ("Garnet__AofCommitFrequencyMs", "0"),
                ("Garnet__AofCommitWait", "true"),
                ("Logging__LogLevel__Default", "Warning"),
            ]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var redis = Create(kind == RedisServerKind.Garnet ? "garnet" : "redis", port, start);
        redis.Start();
        await WaitListeningAsync(port).ConfigureAwait(false);
        return redis;
    }

    /// <summary>
    /// Crashes the Redis server (SIGKILL) and starts it again on the same port, with its data (from its append-only
    /// file) or, when <paramref name="keepData"/> is false, empty, as a server that lost its disk.
    /// </summary>
    public async Task RestartRedisAsync(ServiceProcess redis, bool keepData)
    {
        ArgumentNullException.ThrowIfNull(redis);
        await redis.KillAsync().ConfigureAwait(false);
        if (!keepData)
        {
            foreach (var directory in _directories)
            {
                foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo folder)
                    {
                        folder.Delete(recursive: true);
                    }
                    else
                    {
                        entry.Delete();
                    }
                }
            }
        }

        redis.Start();
        await WaitListeningAsync(redis.Port).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the replicated topology with the AppHost's configuration files (<see cref="ReplicatedRedisConfig"/>):
    /// redis-1 the primary, redis-2 and redis-3 its replicas, and three Sentinels; returns once it is whole (both
    /// replicas online, every Sentinel naming the primary). They share <see cref="Secret"/> as their password.
    /// </summary>
    public async Task<ReplicatedRedis> StartReplicatedRedisAsync()
    {
        var root = Directory.CreateTempSubdirectory("aspirekv-replicated-").FullName;
        _directories.Add(root);
        var serverPorts = Enumerable.Range(0, ReplicatedRedisConfig.Servers).Select(_ => FreePort()).ToArray();
        var sentinelPorts = Enumerable.Range(0, ReplicatedRedisConfig.Sentinels).Select(_ => FreePort()).ToArray();
        var servers = new List<ServiceProcess>();
        for (var i = 0; i < serverPorts.Length; i++)
        {
            var name = $"redis-{Text(i + 1)}";
            var directory = Path.Combine(root, name);
            var config = ReplicatedRedisConfig.Write(directory, "redis.conf", ReplicatedRedisConfig.Server(serverPorts[i], directory, Secret, i == 0 ? null : serverPorts[0]));
            servers.Add(Create(name, serverPorts[i], StartInfo("redis-server", [config], [])));
        }

        var sentinels = new List<ServiceProcess>();
        for (var i = 0; i < sentinelPorts.Length; i++)
        {
            var name = $"sentinel-{Text(i + 1)}";
            var directory = Path.Combine(root, name);
            var config = ReplicatedRedisConfig.Write(directory, "sentinel.conf", ReplicatedRedisConfig.Sentinel(sentinelPorts[i], directory, Secret, serverPorts[0]));
            sentinels.Add(Create(name, sentinelPorts[i], StartInfo("redis-sentinel", [config], [])));
        }

        foreach (var process in servers.Concat(sentinels))
        {
            process.Start();
            await WaitListeningAsync(process.Port).ConfigureAwait(false);
        }

        var redis = new ReplicatedRedis(servers, sentinels, Secret);
        await EventuallyAsync("the replicated Redis to be whole", StartTimeout, redis.IsWholeAsync).ConfigureAwait(false);
        return redis;
    }

    /// <summary>
    /// Starts a backend that reaches Redis at <paramref name="redisPort"/> and, when <paramref name="balancer"/> is
    /// given, registers with it; returns once it is ready.
    /// </summary>
    public Task<ServiceProcess> StartBackendAsync(string name, int redisPort, Uri? balancer = null) =>
        StartBackendAsync(name, $"127.0.0.1:{Text(redisPort)},abortConnect=false,connectTimeout=1000", balancer);

    /// <summary>Starts a backend with <paramref name="redisConnectionString"/> (a server, or Sentinels with <c>serviceName=</c>).</summary>
    public async Task<ServiceProcess> StartBackendAsync(string name, string redisConnectionString, Uri? balancer = null)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{Text(port)}");
        var backend = Create(name, port, StartInfo("dotnet", [.. Service("AspireKv.Backend"), "--urls", address.ToString()],
        [
            ($"ConnectionStrings__{AspireKv.Contracts.ConnectionNames.Redis}", redisConnectionString),
            ("Node__Name", name),
            ("Node__PublicUrl", address.ToString()),
            ("Registration__Enabled", balancer is null ? "false" : "true"),
            ("Registration__BalancerUrl", balancer?.ToString() ?? "http://127.0.0.1:1"),
            ("Cluster__Secret", Secret),
            ("Replication__SigningKey", Secret),
            ("Logging__LogLevel__Default", "Warning"),
            .. BackendSettings.Select(setting => (setting.Key, setting.Value)),
        ]));
        backend.Start();
        await WaitHealthyAsync(address).ConfigureAwait(false);
        return backend;
    }

    /// <summary>Starts a balancer on <paramref name="port"/> (a free one when 0); backends register with it.</summary>
    public async Task<ServiceProcess> StartBalancerAsync(int port = 0)
    {
        port = port == 0 ? FreePort() : port;
        var address = new Uri($"http://127.0.0.1:{Text(port)}");
        var balancer = Create("balancer", port, StartInfo("dotnet", [.. Service("AspireKv.Balancer"), "--urls", address.ToString()],
        [
            ("Logging__LogLevel__Default", "Warning"),
            ("Cluster__Secret", Secret),
            // As the AppHost runs it (AppHost.cs says why).
            ("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1"),
            .. BalancerSettings.Select(setting => (setting.Key, setting.Value)),
        ]));
        balancer.Start();
        await WaitHealthyAsync(address).ConfigureAwait(false);
        return balancer;
    }

    /// <summary>Kills a process (SIGKILL) and starts it again with the same command line; returns once it answers.</summary>
    public static async Task RestartAsync(ServiceProcess service)
    {
        ArgumentNullException.ThrowIfNull(service);
        await service.KillAsync().ConfigureAwait(false);
        service.Start();
        await WaitHealthyAsync(service.Address).ConfigureAwait(false);
    }

    /// <summary>Waits until <c>/health</c> at <paramref name="address"/> answers 200.</summary>
    public static async Task WaitHealthyAsync(Uri address, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await EventuallyAsync($"{address} to become healthy", timeout ?? StartTimeout, async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri(address, AspireKv.Contracts.HealthRoutes.Readiness)).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _processes.Clear();
        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless; failing the run over it would not be.
            }
        }

        return ValueTask.CompletedTask;
    }

    internal static async Task WaitListeningAsync(int port) =>
        await EventuallyAsync($"port {Text(port)} to accept connections", StartTimeout, async () =>
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }).ConfigureAwait(false);

    internal static async Task EventuallyAsync(string what, TimeSpan timeout, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    // The service's assembly, and its build folder as content root: without it the content root is this process's
    // working directory, and the service would run without its appsettings.json (its limits and log levels).
    private string[] Service(string project)
    {
        var folder = Path.Combine(repositoryRoot, project, "bin", configuration, "net10.0");
        var path = Path.Combine(folder, project + ".dll");
        return File.Exists(path)
            ? [path, "--contentRoot", folder]
            : throw new FileNotFoundException($"{project} is not built in {configuration} (dotnet build -c {configuration}).", path);
    }

    private ServiceProcess Create(string name, int port, ProcessStartInfo start) =>
        Track(new ServiceProcess(name, port, start, LogDirectory is null ? null : Path.Combine(LogDirectory, name + ".log")));

    private ServiceProcess Track(ServiceProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static ProcessStartInfo StartInfo(string fileName, string[] arguments, (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Timestamps on the services' console logs, so they line up with the Redis servers' and the fault history's.
        start.Environment["Logging__Console__FormatterName"] = "simple"; // its options are read only with a name
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
