using AspireKv.Chaos.History;
using static System.FormattableString;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// Checks the end state of a run: once every backend is ready and idle, all replicas hold the same data, nothing an
/// acknowledged write wrote was lost (or overwritten by an older write), and nothing is held that no write could
/// have written. This is the invariant a replication bug breaks first, and the cheapest to check.
/// </summary>
public sealed class LostWriteChecker : IHistoryChecker
{
    public const string Name = "no acknowledged write lost; replicas identical";

    private readonly int _maxLines;

    /// <param name="maxLines">How many violation lines to show before counting the rest.</param>
    public LostWriteChecker(int maxLines = ViolationLog.DefaultMaxLines) => _maxLines = maxLines;

    public CheckResult Check(ChaosHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var log = new ViolationLog(_maxLines);
        if (history.Final.Count == 0)
        {
            log.Add("no final snapshot was recorded: nothing to compare");
            return log.ToResult(Name, 0);
        }

        CompareSummaries(history.Final, log);
        var catalog = WriteCatalog.Build(history.Operations);
        var holdings = history.Final.Select(Holding.Of).ToList();
        var keys = history.Operations.Select(op => op.Key)
            .Concat(history.Final.SelectMany(snapshot => snapshot.Entries.Select(entry => entry.Key)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var writesByKey = history.Operations.Where(op => op.IsWrite).ToLookup(op => op.Key, StringComparer.Ordinal);

        foreach (var key in keys)
        {
            // One line per distinct content rather than per backend: three identical replicas that lost a write are one finding.
            var contents = holdings
                .GroupBy(holding => holding.EntryOf(key))
                .Select(group => (Entry: group.Key, Backends: string.Join(", ", group.Select(holding => holding.Backend))))
                .ToList();
            if (contents.Count > 1)
            {
                log.Add(Invariant($"key {OperationText.Quote(key)} differs between replicas: {string.Join("; ", contents.Select(c => c.Entry + " on " + c.Backends))}"));
            }

            var latest = writesByKey[key]
                .Where(op => op is { Outcome: Outcome.Ok, Version: not null })
                .MaxBy(op => op.Version);
            foreach (var (entry, backends) in contents)
            {
                if (latest is not null)
                {
                    CheckLatestKept(key, latest, entry, backends, writesByKey[key], catalog, log);
                }

                CheckWritten(key, entry, backends, catalog, log);
            }
        }

        return log.ToResult(Name, keys.Count);
    }

    private static void CompareSummaries(IReadOnlyList<ReplicaSnapshot> final, ViolationLog log)
    {
        var first = final[0];
        foreach (var other in final.Skip(1))
        {
            if (!string.Equals(other.Digest, first.Digest, StringComparison.Ordinal))
            {
                log.Add(Invariant($"digests differ: {first.Backend} has {first.Digest}, {other.Backend} has {other.Digest}"));
            }

            if (other.AppliedVersion != first.AppliedVersion)
            {
                log.Add(Invariant($"applied versions differ: {first.Backend} has v{first.AppliedVersion}, {other.Backend} has v{other.AppliedVersion}"));
            }
        }
    }

    /// <summary>
    /// The acknowledged write with the highest version must still show: a value at least that new (the same value
    /// if exactly that version), or, after a delete, nothing or a newer value. A key that holds nothing after a set
    /// is explained only by a delete that may have taken effect later: one of unknown outcome, or acknowledged
    /// without a version, and not known to be older.
    /// </summary>
    private static void CheckLatestKept(
        string key, Operation latest, HeldEntry entry, string backends, IEnumerable<Operation> writes, WriteCatalog catalog, ViolationLog log)
    {
        var version = latest.Version!.Value;
        var kept = (latest.Kind, entry.Value) switch
        {
            (OperationKind.Delete, null) => true,
            (OperationKind.Delete, _) => entry.Version > version,
            (_, null) => writes.Any(op => op is { Kind: OperationKind.Delete, MayHaveWritten: true }
                && (catalog.KnownVersion(op) is not { } deleted || deleted > version)),
            _ => entry.Version > version || (entry.Version == version && entry.Value == latest.Value),
        };
        if (!kept)
        {
            log.Add(Invariant($"key {OperationText.Quote(key)}: acknowledged {OperationText.Describe(latest)} is lost on {backends}, where the key holds {entry}"));
        }
    }

    /// <summary>A held value must come from a write that may have taken effect, with the version that write got.</summary>
    private static void CheckWritten(string key, HeldEntry entry, string backends, WriteCatalog catalog, ViolationLog log)
    {
        if (entry.Value is null)
        {
            return;
        }

        var writer = catalog.WriterOf(key, entry.Value);
        if (writer is null)
        {
            log.Add(Invariant($"key {OperationText.Quote(key)}: {entry} on {backends} is a value no operation wrote"));
        }
        else if (!writer.MayHaveWritten)
        {
            log.Add(Invariant($"key {OperationText.Quote(key)}: {entry} on {backends} was written by {OperationText.Describe(writer)}, which had no effect"));
        }
        else if (entry.Version is null)
        {
            log.Add(Invariant($"key {OperationText.Quote(key)}: {entry} on {backends} has no version"));
        }
        else if (catalog.KnownVersion(writer) is { } known && known != entry.Version)
        {
            log.Add(Invariant($"key {OperationText.Quote(key)}: {entry} on {backends}, but {OperationText.Describe(writer)} wrote it as v{known}"));
        }
    }

    /// <summary>What one key holds on one backend; a record so that identical contents group together.</summary>
    private sealed record HeldEntry(string? Value, long? Version)
    {
        public override string ToString() => OperationText.EntryText(Value, Version);
    }

    /// <summary>One backend's entries by key; a key it does not list holds nothing.</summary>
    private sealed class Holding(string backend, Dictionary<string, HeldEntry> entries)
    {
        private static readonly HeldEntry Nothing = new(null, null);

        public string Backend => backend;

        public static Holding Of(ReplicaSnapshot snapshot)
        {
            var entries = new Dictionary<string, HeldEntry>(StringComparer.Ordinal);
            foreach (var entry in snapshot.Entries)
            {
                // A held nothing carries no version (a tombstone's is not part of what a reader sees).
                entries.TryAdd(entry.Key, entry.Value is null ? Nothing : new HeldEntry(entry.Value, entry.Version));
            }

            return new Holding(snapshot.Backend, entries);
        }

        public HeldEntry EntryOf(string key) => entries.GetValueOrDefault(key, Nothing);
    }
}
