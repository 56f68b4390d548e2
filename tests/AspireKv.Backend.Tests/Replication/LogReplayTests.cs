using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Replication;

public sealed class LogReplayTests
{
    private static ReplicationEntry Entry(long version) =>
        new(version, ChangeKind.Set, $"log-replay-{version}", [(byte)version], "backend-1", null, null);

    // The log read synchronously, in batches larger than any test's range.
    private static Task<int?> FillAsync(Func<long> appliedVersion, long upTo, Func<long, long, IReadOnlyList<ReplicationEntry>> readRange, Action<ReplicationEntry> apply) =>
        LogReplay.FillAsync(appliedVersion, upTo, batchSize: 10, (from, to, _) => Task.FromResult(readRange(from, to)), apply);

    [Fact]
    public async Task FillAsync_AppliedVersionAdvancingBetweenReadings_IsNotATrimmedLog()
    {
        // The replica has applied 2 of a head of 3 when the fill starts; the channel delivers 3 before the next reading.
        var readings = new Queue<long>([2, 3, 3, 3]);
        var asked = new List<(long From, long To)>();
        var log = new[] { Entry(1), Entry(2), Entry(3) };

        var filled = await FillAsync(
            () => readings.Count > 1 ? readings.Dequeue() : readings.Peek(),
            upTo: 3,
            (from, to) =>
            {
                asked.Add((from, to));
                return [.. log.Where(e => e.Version >= from && e.Version <= to)];
            },
            _ => { });

        Assert.NotNull(filled);
        Assert.All(asked, range => Assert.True(range.From <= range.To, $"asked for {range.From}..{range.To}, past the head"));
    }

    [Fact]
    public async Task FillAsync_FirstMissingVersionNotInTheLog_IsNull()
    {
        var applied = 1L;
        var filled = await FillAsync(() => applied, upTo: 4, (_, _) => [Entry(3), Entry(4)], entry => applied = entry.Version);

        Assert.Null(filled);
    }

    [Fact]
    public async Task FillAsync_DeliveredMeanwhile_ReadsOnFromThere()
    {
        // Version 2 is trimmed from the log, but the channel delivered it while the log was read.
        var applied = 1L;
        var filled = await FillAsync(
            () => applied,
            upTo: 3,
            (_, _) =>
            {
                applied = Math.Max(applied, 2);
                return [Entry(3)];
            },
            entry => applied = Math.Max(applied, entry.Version));

        Assert.Equal(1, filled);
        Assert.Equal(3, applied);
    }
}
