using System.Net;
using System.Net.Sockets;

namespace AspireKv.Testing;

/// <summary>
/// A TCP proxy between one backend and Redis that a test can cut: cutting closes every open connection and
/// drops new ones at once, as a network partition that the client notices; restoring lets connections through
/// again. It can also slow the link (<see cref="Delay"/>). The target is resolved on each connection, because
/// Redis's port is known only once the app runs.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Uri> _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _cut;

    public TcpFaultProxy(Func<Uri> target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port the backend connects to instead of Redis's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Closes every connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_lock)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Lets connections through again.</summary>
    public void Restore() => _cut = false;

    /// <summary>Added before every chunk is passed on, in both directions: a slow link. Zero by default.</summary>
    public TimeSpan Delay { get; set; }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stopping.Token);
            if (_cut)
            {
                inbound.Dispose();
                continue;
            }

            _ = PipeAsync(inbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        lock (_lock)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }

        try
        {
            var target = _target();
            await outbound.ConnectAsync(target.Host, target.Port, _stopping.Token);
            using var inStream = inbound.GetStream();
            using var outStream = outbound.GetStream();
            // When either direction ends (or the proxy is cut), both sockets are closed.
            await Task.WhenAny(PumpAsync(inStream, outStream), PumpAsync(outStream, inStream));
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            inbound.Dispose();
            outbound.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stopping.Token)) > 0)
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, _stopping.Token);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }
}
