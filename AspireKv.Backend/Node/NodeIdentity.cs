using Microsoft.Extensions.Options;

namespace AspireKv.Backend.Node;

/// <summary>
/// This backend's name and public address, fixed at start. When configuration does not name them (a
/// standalone run), both are derived from the URL Kestrel is told to listen on, so that they are known
/// before the server starts and never change afterwards.
/// </summary>
internal sealed class NodeIdentity
{
    public NodeIdentity(IOptions<NodeOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var listenUrl = FirstListenUrl(configuration["urls"]);
        PublicUrl = options.Value.PublicUrl ?? listenUrl;
        Name = !string.IsNullOrWhiteSpace(options.Value.Name) ? options.Value.Name
            : listenUrl is not null ? $"backend-{listenUrl.Port}"
            : "backend";
    }

    /// <summary>The name in <c>X-Served-By</c>, logs, replication messages and the balancer's registry.</summary>
    public string Name { get; }

    /// <summary>The base URL the balancer forwards to, if known.</summary>
    public Uri? PublicUrl { get; }

    private static Uri? FirstListenUrl(string? urls)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        // Wildcard hosts ("http://+:5001", "http://*:5001", "http://[::]:5001") are reached on localhost.
        var normalized = first.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) ? uri : null;
    }
}
