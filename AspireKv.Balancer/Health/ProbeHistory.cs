using System.Collections.Concurrent;

namespace AspireKv.Balancer.Health;

/// <summary>The last active probe of each backend, by destination id, for <c>GET /registry</c>.</summary>
internal sealed class ProbeHistory
{
    private readonly ConcurrentDictionary<string, ProbeRecord> _last = new(StringComparer.Ordinal);

    public void Record(string destinationId, ProbeRecord probe) => _last[destinationId] = probe;

    public ProbeRecord? Last(string destinationId) => _last.TryGetValue(destinationId, out var probe) ? probe : null;
}

/// <summary>One probe's outcome.</summary>
/// <param name="At">When it completed.</param>
/// <param name="Succeeded">Whether it got a 2xx in time.</param>
internal sealed record ProbeRecord(DateTimeOffset At, bool Succeeded);
