using AspireKv.Contracts;
using Microsoft.Extensions.Options;

namespace AspireKv.Balancer.Registry;

/// <summary>
/// The backends the balancer may route to: those service discovery lists, plus those that registered
/// themselves and keep renewing. Keyed by normalised address, so a backend that is both discovered and
/// registered, or registers twice, is one destination. Pure apart from the injected clock.
/// </summary>
internal sealed class BackendRegistry(TimeProvider time, IOptions<BalancerOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BackendEntry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = options.Value.RegistrationTtl;

    /// <summary>Raised after the set of destinations, or a destination's name, changed (not on a plain renewal).</summary>
    public event Action? Changed;

    /// <summary>A copy of every entry, ordered by address.</summary>
    public IReadOnlyList<BackendEntry> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries.Values.OrderBy(entry => entry.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Registers or renews <paramref name="name"/> at <paramref name="address"/> (already normalised).
    /// Returns true when this changed the destinations, false for a plain renewal.
    /// </summary>
    public bool Register(string name, Uri address, long appliedVersion = 0, long headVersion = 0, long keys = 0, RedisServersStatus? redis = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(address);
        var id = address.ToString();
        var now = time.GetUtcNow();
        var until = now + _ttl;
        var report = new ReplicationReport(appliedVersion, headVersion, now, keys, redis);
        bool changed;
        lock (_lock)
        {
            // A backend that comes back at another address moves; its old address is not routed to any more.
            changed = ForgetRegistrations(entry => entry.Name == name && entry.Id != id);
            if (_entries.TryGetValue(id, out var existing))
            {
                changed |= existing.Name != name || !existing.Registered;
                _entries[id] = existing with { Name = name, RegisteredUntil = until, Replication = report };
            }
            else
            {
                _entries[id] = new BackendEntry(id, address, name, Discovered: false, until, report);
                changed = true;
            }
        }

        RaiseIf(changed);
        return changed;
    }

    /// <summary>
    /// How many versions the backend <paramref name="id"/> is behind the newest version any backend reported, from
    /// renewals younger than the registration lifetime; null when it has no such report.
    /// </summary>
    public long? ReplicationLag(string id)
    {
        var oldest = time.GetUtcNow() - _ttl;
        lock (_lock)
        {
            if (!_entries.TryGetValue(id, out var entry) || entry.Replication is not { } report || report.ReportedAt < oldest)
            {
                return null;
            }

            var head = _entries.Values
                .Select(e => e.Replication)
                .Where(r => r is not null && r.ReportedAt >= oldest)
                .Max(r => r!.HeadVersion);
            return Math.Max(0, head - report.AppliedVersion);
        }
    }

    /// <summary>Withdraws the registration of <paramref name="name"/>; false when it had none.</summary>
    public bool Deregister(string name)
    {
        bool changed;
        lock (_lock)
        {
            changed = ForgetRegistrations(entry => entry.Name == name && entry.Registered);
        }

        RaiseIf(changed);
        return changed;
    }

    /// <summary>Replaces the set of discovered addresses (already normalised).</summary>
    public void SetDiscovered(IReadOnlyCollection<Uri> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var ids = addresses.ToDictionary(address => address.ToString(), StringComparer.Ordinal);
        var changed = false;
        lock (_lock)
        {
            foreach (var entry in _entries.Values.ToList())
            {
                var discovered = ids.ContainsKey(entry.Id);
                if (entry.Discovered == discovered)
                {
                    continue;
                }

                changed = true;
                if (discovered || entry.Registered)
                {
                    _entries[entry.Id] = entry with { Discovered = discovered };
                }
                else
                {
                    _entries.Remove(entry.Id);
                }
            }

            foreach (var (id, address) in ids)
            {
                if (_entries.TryAdd(id, new BackendEntry(id, address, null, Discovered: true, null)))
                {
                    changed = true;
                }
            }
        }

        RaiseIf(changed);
    }

    /// <summary>Drops registrations that were not renewed in time. Discovered backends stay.</summary>
    public void ExpireRegistrations()
    {
        var now = time.GetUtcNow();
        bool changed;
        lock (_lock)
        {
            changed = ForgetRegistrations(entry => entry.RegisteredUntil <= now);
        }

        RaiseIf(changed);
    }

    // Must be called under the lock. Discovered entries keep their name for display; the rest go.
    private bool ForgetRegistrations(Func<BackendEntry, bool> predicate)
    {
        var forgotten = _entries.Values.Where(predicate).ToList();
        foreach (var entry in forgotten)
        {
            if (entry.Discovered)
            {
                _entries[entry.Id] = entry with { RegisteredUntil = null, Replication = null };
            }
            else
            {
                _entries.Remove(entry.Id);
            }
        }

        return forgotten.Count > 0;
    }

    private void RaiseIf(bool changed)
    {
        if (changed)
        {
            Changed?.Invoke();
        }
    }
}
