namespace AspireKv.Balancer.Diagnostics;

/// <summary>The balancer's log messages, source-generated, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Service discovery lists {Count} endpoints for '{ServiceName}'")]
    public static partial void Discovered(ILogger logger, int count, string serviceName);

    [LoggerMessage(2, LogLevel.Warning, "Service discovery of '{ServiceName}' failed")]
    public static partial void DiscoveryFailed(ILogger logger, string serviceName, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "No service discovery configured for '{ServiceName}'; backends must register themselves")]
    public static partial void NoDiscovery(ILogger logger, string serviceName);

    [LoggerMessage(4, LogLevel.Information, "Backend {Name} registered at {Address}")]
    public static partial void Registered(ILogger logger, string name, Uri address);

    [LoggerMessage(5, LogLevel.Information, "Backend {Name} deregistered")]
    public static partial void Deregistered(ILogger logger, string name);
}
