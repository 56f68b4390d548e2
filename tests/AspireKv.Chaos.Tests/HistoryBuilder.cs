using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests;

/// <summary>
/// Writes histories for checker tests in one line per operation: ids are given in order (from 1), each operation
/// runs on a client of its own unless one is named (so that only tests about one client's session share one), and
/// times are given as [from, to].
/// </summary>
internal sealed class HistoryBuilder
{
    private readonly List<Operation> _operations = [];
    private readonly List<ReplicaSnapshot> _final = [];

    public IReadOnlyList<Operation> Operations => _operations;

    public HistoryBuilder Set(string key, string value, long from, long to, long? version = null, Outcome outcome = Outcome.Ok, int? client = null) =>
        Add(OperationKind.Set, key, value, from, to, outcome, version, client);

    public HistoryBuilder Delete(string key, long from, long to, long? version = null, Outcome outcome = Outcome.Ok, int? client = null) =>
        Add(OperationKind.Delete, key, null, from, to, outcome, version, client);

    public HistoryBuilder Create(string key, string value, long from, long to, long? version = null, Outcome outcome = Outcome.Ok, int? client = null) =>
        Add(OperationKind.Create, key, value, from, to, outcome, version, client);

    /// <summary>A ConditionalSet: on 412, <paramref name="version"/> is the current version the answer reported.</summary>
    public HistoryBuilder Cas(string key, string value, long expected, long from, long to, long? version = null, Outcome outcome = Outcome.Ok, int? client = null) =>
        Add(OperationKind.ConditionalSet, key, value, from, to, outcome, version, client, expected: expected);

    /// <summary>A strong read: a null <paramref name="value"/> is a 404 unless <paramref name="outcome"/> says otherwise.</summary>
    public HistoryBuilder Read(string key, string? value, long from, long to, long? version = null, Outcome? outcome = null, int? client = null) =>
        Add(OperationKind.Read, key, value, from, to, outcome ?? ReadOutcome(value), version, client, Consistency.Strong);

    public HistoryBuilder LocalRead(string key, string? value, long from, long to, long? version = null, int? client = null) =>
        Add(OperationKind.Read, key, value, from, to, ReadOutcome(value), version, client, Consistency.Local);

    public HistoryBuilder SessionRead(string key, string? value, long minVersion, long from, long to, long? version = null, int? client = null) =>
        Add(OperationKind.Read, key, value, from, to, ReadOutcome(value), version, client, Consistency.Session, minVersion);

    /// <summary>A backend's final state: entries as (key, value, version), a null value for a key that holds nothing.</summary>
    public HistoryBuilder Replica(string backend, string digest, long appliedVersion, params (string Key, string? Value, long? Version)[] entries)
    {
        _final.Add(new ReplicaSnapshot(backend, digest, appliedVersion, [.. entries.Select(e => new FinalEntry(e.Key, e.Value, e.Version))]));
        return this;
    }

    public HistoryBuilder Add(Operation operation)
    {
        _operations.Add(operation);
        return this;
    }

    public ChaosHistory Build(int seed = 0) => new(seed, [.. _operations], [], [.. _final]);

    private static Outcome ReadOutcome(string? value) => value is null ? Outcome.NotFound : Outcome.Ok;

    private HistoryBuilder Add(
        OperationKind kind,
        string key,
        string? value,
        long from,
        long to,
        Outcome outcome,
        long? version,
        int? client,
        Consistency consistency = Consistency.Strong,
        long? minVersion = null,
        long? expected = null)
    {
        var id = _operations.Count + 1;
        return Add(new Operation(
            id,
            client ?? 1000 + id,
            kind,
            key,
            value,
            expected,
            consistency,
            minVersion,
            from,
            to,
            outcome,
            version,
            AppliedVersion: null,
            ServedBy: null,
            Status: null,
            Error: null));
    }
}
