namespace AspireKv.Backend.Replication;

/// <summary>
/// Reads missed writes back from the recent log into a replica. The reading is passed in, so the same loop
/// runs against Redis in the synchronizer and against an in-memory log in the property tests.
/// </summary>
internal static class LogReplay
{
    /// <summary>
    /// Applies log entries until every version up to <paramref name="upTo"/> is applied. Returns how many entries
    /// were applied, or null when the log no longer reaches back to the first missing version (it was trimmed),
    /// in which case only a full reload of the durable copy can catch up.
    /// </summary>
    /// <remarks>
    /// The replica's applied version is read once per round: messages keep arriving while the log is read, so two
    /// readings can differ, and a range asked from the second while the loop was let in by the first can begin past
    /// the head, come back empty and look like a trimmed log (a needless full reload, and 504s for the writes in flight).
    /// </remarks>
    public static async Task<int?> FillAsync(
        Func<long> appliedVersion,
        long upTo,
        int batchSize,
        Func<long, long, int, Task<IReadOnlyList<ReplicationEntry>>> readRange,
        Action<ReplicationEntry> apply)
    {
        ArgumentNullException.ThrowIfNull(appliedVersion);
        ArgumentNullException.ThrowIfNull(readRange);
        ArgumentNullException.ThrowIfNull(apply);
        var filled = 0;
        for (var applied = appliedVersion(); applied < upTo; applied = appliedVersion())
        {
            var from = applied + 1;
            var batch = await readRange(from, upTo, batchSize).ConfigureAwait(false);
            if (batch.Count == 0 || batch[0].Version > from)
            {
                if (appliedVersion() >= from)
                {
                    continue; // the channel delivered it meanwhile
                }

                // Every version is in the log until it is trimmed, so a missing one means the log is too short.
                return null;
            }

            foreach (var entry in batch)
            {
                apply(entry);
            }

            filled += batch.Count;
        }

        return filled;
    }
}
