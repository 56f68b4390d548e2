using System.Diagnostics;
using System.Globalization;

namespace AspireKv.Testing;

/// <summary>
/// One process of a <see cref="ProcessCluster"/> (redis-server, a backend, the balancer): started, killed,
/// paused and resumed by PID, and restarted with the same command line, so on the same port and under the same
/// name, as an operator would restart it.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly StreamWriter? _log;
    private readonly Lock _logLock = new();
    private bool _logClosed;
    private Process? _process;

    /// <param name="name">The service's name.</param>
    /// <param name="port">The port it listens on.</param>
    /// <param name="start">How to start it.</param>
    /// <param name="logFile">Where its output goes (appended across restarts), or null to drop it.</param>
    internal ServiceProcess(string name, int port, ProcessStartInfo start, string? logFile = null)
    {
        Name = name;
        Port = port;
        _start = start;
        // One writer for the process's life, across restarts: not a file open per line during a storm of errors.
        _log = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Address => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}"));

    /// <summary>The running process's id, or 0 when it is not running.</summary>
    public int ProcessId => _process is { HasExited: false } process ? process.Id : 0;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>True between <see cref="PauseAsync"/> and <see cref="ResumeAsync"/>.</summary>
    public bool IsPaused { get; private set; }

    internal void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        _process?.Dispose();
        _process = Process.Start(_start) ?? throw new InvalidOperationException($"Could not start {_start.FileName}.");
        // Drain the output so a chatty process never blocks on a full pipe; keep it when asked to.
        _process.OutputDataReceived += (_, line) => Log(line.Data);
        _process.ErrorDataReceived += (_, line) => Log(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        IsPaused = false;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        IsPaused = false;
    }

    /// <summary>SIGSTOP: the process hangs with its sockets open, as a stuck server does.</summary>
    public Task PauseAsync()
    {
        IsPaused = true;
        return SignalAsync("STOP");
    }

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync()
    {
        IsPaused = false;
        return SignalAsync("CONT");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        _process?.Dispose();
        lock (_logLock)
        {
            // A line of an exited process may still arrive; it is dropped, not written to a closed file.
            _logClosed = true;
            _log?.Dispose();
        }
    }

    private void Log(string? line)
    {
        if (_log is null || line is null)
        {
            return;
        }

        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private async Task SignalAsync(string signal)
    {
        if (ProcessId is var id and > 0)
        {
            using var kill = Process.Start("kill", [$"-{signal}", id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }
    }
}
