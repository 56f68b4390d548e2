using AspireKv.Chaos.History;
using static System.FormattableString;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// Checks that writes and strong reads are linearizable: for each key there is one order of them that respects real
/// time and that a single register would have answered the same way. Local and session reads are left out, since they
/// are allowed to be stale; failed writes are left out, since they had no effect; writes of unknown outcome may take
/// effect at any time after they were sent, or never. Keys are independent, so each is searched on its own, which keeps
/// the search small.
/// </summary>
public sealed class LinearizabilityChecker : IHistoryChecker
{
    public const string Name = "strong reads and writes are linearizable";

    /// <summary>Enough for thousands of operations per key with a handful in flight at once; a key that needs more is reported, not passed.</summary>
    public const long DefaultMaxStepsPerKey = 1_000_000;

    /// <summary>How many operation ids of the longest linearizable prefix a violation line shows (its last ones).</summary>
    private const int PrefixIdsShown = 10;

    private readonly long _maxStepsPerKey;
    private readonly int _maxLines;

    /// <param name="maxStepsPerKey">The search budget per key; past it the key is reported as inconclusive.</param>
    /// <param name="maxLines">How many violation lines to show before counting the rest.</param>
    public LinearizabilityChecker(long maxStepsPerKey = DefaultMaxStepsPerKey, int maxLines = ViolationLog.DefaultMaxLines)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStepsPerKey);
        _maxStepsPerKey = maxStepsPerKey;
        _maxLines = maxLines;
    }

    /// <summary>Checks every key; <see cref="CheckResult.Checked"/> counts the operations that took part.</summary>
    public CheckResult Check(ChaosHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var log = new ViolationLog(_maxLines);
        var catalog = WriteCatalog.Build(history.Operations);
        foreach (var (first, second) in catalog.DuplicateValues)
        {
            log.Add(Invariant($"{OperationText.Describe(first)} and {OperationText.Describe(second)} wrote the same value, so reads of it are ambiguous"));
        }

        var claimed = history.Operations
            .Where(op => op.IsWrite)
            .Select(catalog.KnownVersion)
            .OfType<long>()
            .ToHashSet();
        var participants = new List<Operation>();
        foreach (var op in history.Operations)
        {
            if (IsMalformed(op))
            {
                log.Add(Invariant($"{OperationText.Describe(op)}: a {op.Kind} cannot end {op.Outcome}; left out"));
            }
            else if (TakesPart(op))
            {
                participants.Add(op);
            }
        }

        foreach (var key in participants.GroupBy(op => op.Key, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            CheckKey(key.Key, [.. key.OrderBy(op => op.InvokedAt).ThenBy(op => op.Id)], catalog, claimed, log);
        }

        return log.ToResult(Name, participants.Count);
    }

    private void CheckKey(string key, IReadOnlyList<Operation> operations, WriteCatalog catalog, IReadOnlySet<long> claimed, ViolationLog log)
    {
        var model = new RegisterModel(operations, catalog, claimed);
        var calls = operations
            .Select(op => new TimedCall(op.InvokedAt, op.IsWrite && op.Outcome == Outcome.Unknown ? null : op.CompletedAt))
            .ToList();
        var result = LinearizationSearch.Run(model, calls, _maxStepsPerKey);
        var prefix = Invariant($"the longest linearizable prefix has {result.LongestPrefix.Count} of {operations.Count} ops ({PrefixIds(result.LongestPrefix, operations)}), after which the key holds {result.StateAfterPrefix}");
        switch (result.Verdict)
        {
            case SearchVerdict.Inconclusive:
                log.Add(Invariant($"key {OperationText.Quote(key)}: inconclusive (search budget of {_maxStepsPerKey} steps exceeded); so far {prefix}"));
                break;
            case SearchVerdict.NotLinearizable:
                var blocker = result.Blocker is { } index ? "; " + OperationText.Describe(operations[index]) + " cannot be linearized after it" : string.Empty;
                log.Add(Invariant($"key {OperationText.Quote(key)}: not linearizable: {prefix}{blocker}"));
                break;
            case SearchVerdict.Linearizable:
            default:
                break;
        }
    }

    /// <summary>Strong reads that saw something definite, and writes that were not refused outright.</summary>
    private static bool TakesPart(Operation op) => op.IsWrite
        ? op.Outcome != Outcome.Failed
        : op is { Consistency: Consistency.Strong, Outcome: Outcome.Ok or Outcome.NotFound };

    /// <summary>An answer the protocol cannot give to that request: a recorder bug, or a server one, but not something to search.</summary>
    private static bool IsMalformed(Operation op) => (op.Kind, op.Outcome) switch
    {
        (_, Outcome.Failed or Outcome.Unknown) => false,
        (OperationKind.Read, Outcome.Ok) => op.Value is null,
        (OperationKind.Read, _) => op.Outcome == Outcome.PreconditionFailed,
        (OperationKind.Set, _) => op.Outcome != Outcome.Ok,
        (OperationKind.Delete, _) => op.Outcome == Outcome.PreconditionFailed,
        (OperationKind.ConditionalSet, _) => op.Outcome == Outcome.NotFound || op.ExpectedVersion is null,
        (OperationKind.Create, _) => op.Outcome == Outcome.NotFound,
        _ => true,
    };

    private static string PrefixIds(IReadOnlyList<int> prefix, IReadOnlyList<Operation> operations)
    {
        var shown = prefix.Skip(Math.Max(0, prefix.Count - PrefixIdsShown)).Select(index => operations[index].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ids = string.Join(", ", shown);
        return prefix.Count > PrefixIdsShown ? "ids ..., " + ids : prefix.Count == 0 ? "none" : "ids " + ids;
    }
}
