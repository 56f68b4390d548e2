using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests.Simulation;

/// <summary>
/// A replica's store reduced to the rule that matters: each key keeps (value, version), deletes are tombstones, and
/// a message is applied only if its version is newer than the key's. A replica built without that check applies
/// whatever arrives last, which is the bug the checkers must catch.
/// </summary>
internal sealed class SimulatedReplica(string name, bool checksVersions = true)
{
    private readonly SortedDictionary<string, (string? Value, long Version)> _entries = new(StringComparer.Ordinal);

    public string Name => name;

    /// <summary>The highest version this replica has applied.</summary>
    public long AppliedVersion { get; private set; }

    public void Apply(ReplicationMessage message)
    {
        var current = _entries.TryGetValue(message.Key, out var entry) ? entry.Version : 0;
        if (checksVersions && message.Version <= current)
        {
            return;
        }

        _entries[message.Key] = (message.Value, message.Version);
        AppliedVersion = Math.Max(AppliedVersion, message.Version);
    }

    /// <summary>What a read of <paramref name="key"/> sees: the value and its version, or nothing.</summary>
    public (string? Value, long? Version) Read(string key) =>
        _entries.TryGetValue(key, out var entry) && entry.Value is not null ? (entry.Value, entry.Version) : (null, null);

    /// <summary>The current version of <paramref name="key"/>, a tombstone's included (0 for a key never written).</summary>
    public long VersionOf(string key) => _entries.TryGetValue(key, out var entry) ? entry.Version : 0;

    /// <summary>The final state as the runner records it; the digest hashes every entry, tombstones included, in key order.</summary>
    public ReplicaSnapshot Snapshot(IEnumerable<string> keys)
    {
        var content = new StringBuilder();
        foreach (var (key, (value, version)) in _entries)
        {
            content.Append(CultureInfo.InvariantCulture, $"{key}\t{value ?? "<deleted>"}\t{version}\n");
        }

        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content.ToString())));
        var entries = keys.Select(key =>
        {
            var (value, version) = Read(key);
            return new FinalEntry(key, value, version);
        }).ToList();
        return new ReplicaSnapshot(name, digest, AppliedVersion, entries);
    }
}
