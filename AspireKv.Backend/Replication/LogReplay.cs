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
    public static async Task<int?> FillAsync(
        Replica replica,
        long upTo,
        int batchSize,
        Func<long, long, int, Task<IReadOnlyList<ReplicationEntry>>> readRange,
        Action<ReplicationEntry> apply)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(readRange);
        ArgumentNullException.ThrowIfNull(apply);
        var filled = 0;
        while (replica.AppliedVersion < upTo)
        {
            var from = replica.AppliedVersion + 1;
            var batch = await readRange(from, upTo, batchSize).ConfigureAwait(false);
            if (batch.Count == 0 || batch[0].Version > replica.AppliedVersion + 1)
            {
                if (replica.AppliedVersion >= from)
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
