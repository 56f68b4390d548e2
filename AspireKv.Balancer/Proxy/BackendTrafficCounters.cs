using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AspireKv.Balancer.Proxy;

/// <summary>How many requests each backend has answered through this balancer, by destination id.</summary>
internal sealed class BackendTrafficCounters
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _served = new(StringComparer.Ordinal);

    public void Served(string destinationId) =>
        Interlocked.Increment(ref _served.GetOrAdd(destinationId, static _ => new StrongBox<long>()).Value);

    public long ServedBy(string destinationId) =>
        _served.TryGetValue(destinationId, out var count) ? Interlocked.Read(ref count.Value) : 0;
}
