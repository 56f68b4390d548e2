using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// What the whole history says about each write: which write produced a value (values are unique, so a value read
/// names its write) and the write's version when anything revealed it. A write's own acknowledgement gives its
/// version; a write of unknown outcome has none of its own, but any read that returned its value with an ETag
/// reveals it, and checkers that order writes by version need that.
/// </summary>
internal sealed class WriteCatalog
{
    private readonly Dictionary<(string Key, string Value), Operation> _writerOf = [];
    private readonly Dictionary<int, long> _learnedVersion = [];
    private readonly List<(Operation First, Operation Second)> _duplicates = [];

    private WriteCatalog()
    {
    }

    /// <summary>Pairs of writes that wrote the same value to the same key, which the history promises never happen.</summary>
    public IReadOnlyList<(Operation First, Operation Second)> DuplicateValues => _duplicates;

    public static WriteCatalog Build(IEnumerable<Operation> operations)
    {
        var catalog = new WriteCatalog();
        var ordered = operations.OrderBy(op => op.InvokedAt).ThenBy(op => op.Id).ToList();
        foreach (var op in ordered.Where(op => IsValueWrite(op) && op.Value is not null))
        {
            if (!catalog._writerOf.TryAdd((op.Key, op.Value!), op))
            {
                catalog._duplicates.Add((catalog._writerOf[(op.Key, op.Value!)], op));
            }
        }

        // The first read to reveal a version wins; a read that disagrees is caught by the checkers that compare it.
        foreach (var read in ordered.Where(op => op is { Kind: OperationKind.Read, Outcome: Outcome.Ok, Value: not null, Version: not null }))
        {
            if (catalog.WriterOf(read.Key, read.Value!) is { } writer && writer.MayHaveWritten)
            {
                catalog._learnedVersion.TryAdd(writer.Id, read.Version!.Value);
            }
        }

        return catalog;
    }

    /// <summary>Set, ConditionalSet and Create write a value; Delete writes a tombstone.</summary>
    public static bool IsValueWrite(Operation op) => op.Kind is OperationKind.Set or OperationKind.ConditionalSet or OperationKind.Create;

    /// <summary>The write (of any outcome) that wrote <paramref name="value"/> to <paramref name="key"/>, if any did.</summary>
    public Operation? WriterOf(string key, string value) => _writerOf.GetValueOrDefault((key, value));

    /// <summary>
    /// A write's version: its own, when it was acknowledged with one, else the one a read of its value revealed.
    /// Null for a write that had no effect, and for one whose version nothing revealed (a delete of unknown outcome).
    /// </summary>
    public long? KnownVersion(Operation write)
    {
        if (!write.MayHaveWritten)
        {
            return null;
        }

        if (write is { Outcome: Outcome.Ok, Version: { } own })
        {
            return own;
        }

        return _learnedVersion.TryGetValue(write.Id, out var learned) ? learned : null;
    }
}
