using Garnet;
using Microsoft.Extensions.Options;

namespace AspireKv.GarnetHost;

/// <summary>Runs one Garnet server for the life of the host.</summary>
internal sealed partial class GarnetService(IOptions<GarnetHostOptions> options, ILoggerFactory loggerFactory, ILogger<GarnetService> logger)
    : IHostedService, IDisposable
{
    private GarnetServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.DataDirectory))
        {
            Directory.CreateDirectory(settings.DataDirectory);
        }

        _server = new GarnetServer(GarnetArguments.From(settings), loggerFactory);
        _server.Start();
        LogStarted(logger, settings.Bind, settings.Port, settings.DataDirectory ?? "(memory only)");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _server?.Dispose();
        _server = null;
    }

    [LoggerMessage(1, LogLevel.Information, "Garnet listening on {Bind}:{Port}, data in {DataDirectory}")]
    private static partial void LogStarted(ILogger logger, string bind, int port, string dataDirectory);
}
