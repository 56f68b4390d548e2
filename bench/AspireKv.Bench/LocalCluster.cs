using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AspireKv.Bench;

/// <summary>
/// Starts the pieces of AspireKv as plain processes (Debian's redis-server and the Release builds of the
/// backends and the balancer), on free loopback ports, and stops them by PID. Benchmarks that inject faults
/// use it instead of the AppHost, so that they control every process.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _root;
    /// <summary>The cluster secret the processes started here share; clients of admin endpoints present it.</summary>
    public string Secret { get; } = Guid.NewGuid().ToString("N");

    public LocalCluster(string repositoryRoot) => _root = repositoryRoot;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a memory-only redis-server and returns its port.</summary>
    public async Task<int> StartRedisAsync()
    {
        var port = FreePort();
        Start("redis-server", ["--port", Text(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], []);
        await Eventually(async () =>
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        });
        return port;
    }

    /// <summary>Starts a backend that reaches Redis at <paramref name="redisPort"/>; returns its base address once it is ready.</summary>
    public async Task<Uri> StartBackendAsync(string name, int redisPort, Uri? balancer = null)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{Text(port)}");
        Start("dotnet", [Path.Combine(_root, "AspireKv.Backend/bin/Release/net10.0/AspireKv.Backend.dll"), "--urls", address.ToString()],
        [
            ("ConnectionStrings__redis", $"127.0.0.1:{Text(redisPort)},abortConnect=false"),
            ("Node__Name", name),
            ("Node__PublicUrl", address.ToString()),
            ("Registration__Enabled", balancer is null ? "false" : "true"),
            ("Registration__BalancerUrl", balancer?.ToString() ?? "http://127.0.0.1:1"),
            ("Cluster__Secret", Secret),
            ("Replication__SigningKey", Secret),
            ("Logging__LogLevel__Default", "Warning"),
        ]);
        await WaitHealthyAsync(address);
        return address;
    }

    /// <summary>Starts a balancer (backends register with it); returns its base address once it answers.</summary>
    public async Task<Uri> StartBalancerAsync()
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{Text(port)}");
        Start("dotnet", [Path.Combine(_root, "AspireKv.Balancer/bin/Release/net10.0/AspireKv.Balancer.dll"), "--urls", address.ToString()],
            [("Logging__LogLevel__Default", "Warning"), ("Cluster__Secret", Secret)]);
        await WaitHealthyAsync(address);
        return address;
    }

    /// <summary>Kills one process started here (SIGKILL).</summary>
    public void Kill(int processId)
    {
        var process = _processes.Single(p => p.Id == processId);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        _processes.Remove(process);
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        _processes.Clear();
    }

    private static async Task WaitHealthyAsync(Uri address)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually(async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri(address, "/health"));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        });
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("A process did not become ready within 60 s.");
            }

            await Task.Delay(20);
        }
    }

    private void Start(string fileName, string[] arguments, (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        // Drain the output so a chatty process never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
