using AspireKv.Chaos.History;
using static System.FormattableString;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// Checks session reads: a read that sends <c>X-Min-Version: T</c> must reflect every write with a version up to T,
/// so it can never return something older than the newest such write the history knows of. Session reads may be
/// served by any replica that has caught up to T; this is the promise that makes that safe for the client.
/// </summary>
public sealed class SessionChecker : IHistoryChecker
{
    public const string Name = "session reads never go back in time";

    private readonly int _maxLines;

    /// <param name="maxLines">How many violation lines to show before counting the rest.</param>
    public SessionChecker(int maxLines = ViolationLog.DefaultMaxLines) => _maxLines = maxLines;

    public CheckResult Check(ChaosHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var log = new ViolationLog(_maxLines);
        var catalog = WriteCatalog.Build(history.Operations);
        var writesByKey = history.Operations.Where(op => op.IsWrite).ToLookup(op => op.Key, StringComparer.Ordinal);
        var versionedByKey = history.Operations
            .Where(op => op.IsWrite && catalog.KnownVersion(op) is not null)
            .GroupBy(op => op.Key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.OrderBy(op => catalog.KnownVersion(op)).ToList(), StringComparer.Ordinal);

        var reads = history.Operations
            .Where(op => op is { Kind: OperationKind.Read, Consistency: Consistency.Session, Outcome: Outcome.Ok or Outcome.NotFound })
            .OrderBy(op => op.Id)
            .ToList();
        foreach (var read in reads)
        {
            var token = read.MinVersion ?? 0;
            var newest = versionedByKey.TryGetValue(read.Key, out var versioned)
                ? versioned.LastOrDefault(op => catalog.KnownVersion(op) <= token)
                : null;
            if (read.Outcome == Outcome.Ok)
            {
                CheckValueRead(read, newest, catalog, log);
            }
            else
            {
                CheckNotFound(read, newest, catalog, writesByKey[read.Key], log);
            }
        }

        CheckTokensNeverDecrease(history.Operations, log);
        return log.ToResult(Name, reads.Count);
    }

    private static void CheckValueRead(Operation read, Operation? newest, WriteCatalog catalog, ViolationLog log)
    {
        var writer = read.Value is null ? null : catalog.WriterOf(read.Key, read.Value);
        if (writer is null || !writer.MayHaveWritten)
        {
            var origin = writer is null ? "a value no operation wrote" : "written by " + OperationText.Describe(writer) + ", which had no effect";
            log.Add(Invariant($"{OperationText.Describe(read)} returned {origin}"));
            return;
        }

        var writerVersion = catalog.KnownVersion(writer);
        if (read.Version is { } seen && writerVersion is { } known && seen != known)
        {
            log.Add(Invariant($"{OperationText.Describe(read)} returned v{seen}, but {OperationText.Describe(writer)} wrote its value as v{known}"));
        }

        if (newest is null)
        {
            return;
        }

        var readVersion = read.Version ?? writerVersion;
        var floor = catalog.KnownVersion(newest)!.Value;
        if (readVersion is null)
        {
            log.Add(Invariant($"{OperationText.Describe(read)} returned a value whose version nothing tells, so it cannot be checked against {OperationText.Describe(newest)}"));
        }
        else if (readVersion < floor)
        {
            log.Add(Invariant($"{OperationText.Describe(read)} went back in time: it sent min v{read.MinVersion} but returned v{readVersion}, older than {OperationText.Describe(newest)}"));
        }
    }

    /// <summary>
    /// A 404 is right if the newest write the token covers is a delete, or if some delete that may have taken effect
    /// after that write (its version is unknown, or higher) had been sent by the time the read answered.
    /// </summary>
    private static void CheckNotFound(Operation read, Operation? newest, WriteCatalog catalog, IEnumerable<Operation> writes, ViolationLog log)
    {
        if (newest is null || newest.Kind == OperationKind.Delete)
        {
            return;
        }

        var floor = catalog.KnownVersion(newest)!.Value;
        var explained = writes.Any(op => op is { Kind: OperationKind.Delete, MayHaveWritten: true }
            && op.InvokedAt <= read.CompletedAt
            && (catalog.KnownVersion(op) is not { } version || version > floor));
        if (!explained)
        {
            log.Add(Invariant($"{OperationText.Describe(read)} found nothing, but its token covers {OperationText.Describe(newest)} and no delete can explain it"));
        }
    }

    /// <summary>A client's token is the highest version it has seen, which only grows: a smaller one means the recorder (or client) is wrong.</summary>
    private static void CheckTokensNeverDecrease(IReadOnlyList<Operation> operations, ViolationLog log)
    {
        var sessionReads = operations
            .Where(op => op is { Kind: OperationKind.Read, Consistency: Consistency.Session, MinVersion: not null })
            .GroupBy(op => op.Client);
        foreach (var client in sessionReads)
        {
            Operation? previous = null;
            foreach (var read in client.OrderBy(op => op.InvokedAt).ThenBy(op => op.Id))
            {
                if (previous is not null && read.MinVersion < previous.MinVersion)
                {
                    log.Add(Invariant($"client {client.Key}: op {read.Id} sent min v{read.MinVersion} after op {previous.Id} had sent min v{previous.MinVersion}"));
                }

                previous = read;
            }
        }
    }
}
