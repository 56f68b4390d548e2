namespace AspireKv.Backend.Replication;

/// <summary>
/// Decides what a backend does after reading the cluster's state. Pure: the rules of catch-up and recovery
/// in one place, tested without Redis; <see cref="Synchronization.ReplicationSynchronizer"/> only carries them out.
/// </summary>
internal static class SyncPlanner
{
    /// <param name="state">The head and epoch just read from Redis.</param>
    /// <param name="knownEpoch">The epoch this backend last loaded, or null before its first load.</param>
    /// <param name="highestApplied">The highest version applied here, read before <paramref name="state"/>.</param>
    /// <param name="appliedVersion">Every version up to this one is applied here.</param>
    /// <param name="headAtPreviousCheck">The head read one check earlier.</param>
    /// <param name="catchUpRequested">A reconnection or a detected gap asked for a catch-up now.</param>
    /// <param name="failoversPossible">Redis is a primary with replicas under Sentinel, so a primary can be demoted.</param>
    public static SyncAction Decide(
        ClusterState state,
        string? knownEpoch,
        long highestApplied,
        long appliedVersion,
        long headAtPreviousCheck,
        bool catchUpRequested,
        bool failoversPossible)
    {
        if (!IsTrusted(state, knownEpoch, failoversPossible))
        {
            return SyncAction.DistrustServer;
        }

        if (state.Epoch is null)
        {
            return SyncAction.Restore;
        }

        if (state.PrimaryChanged)
        {
            // A promoted replica may lack acknowledged writes that backends hold, and would reissue their versions.
            return SyncAction.InvalidateAndRestore;
        }

        if (IsOlderHistory(state.Epoch, knownEpoch))
        {
            // A single Redis that went back to an older file lost data (behind Sentinel, IsTrusted said no).
            return SyncAction.InvalidateAndRestore;
        }

        if (knownEpoch is null || knownEpoch != state.Epoch)
        {
            return SyncAction.FullResync;
        }

        if (state.Head < highestApplied)
        {
            // Versions this backend applied are gone from Redis; new writes would reuse them.
            return SyncAction.InvalidateAndRestore;
        }

        // Writes committed a whole check ago are still missing here: their messages were lost. Writes committed
        // since then are normally on their way over the channel and need no round trip.
        var missing = appliedVersion < state.Head;
        return missing && (catchUpRequested || appliedVersion < headAtPreviousCheck) ? SyncAction.CatchUp : SyncAction.None;
    }

    /// <summary>
    /// Whether anything the server that answered <paramref name="state"/> says may be used. Behind Sentinel, not when
    /// it has no replica connected (a primary cut off from its replicas, or one demoted while it hung that still
    /// answers as primary: its log may hold writes it committed alone, which nobody acknowledged), nor when its epoch
    /// belongs to an older history than <paramref name="knownEpoch"/> (loading it would take back writes it never had).
    /// Every state a backend acts on passes this test, the reads of a full load included.
    /// </summary>
    public static bool IsTrusted(ClusterState state, string? knownEpoch, bool failoversPossible) =>
        !failoversPossible || (state.ConnectedReplicas != 0 && !IsOlderHistory(state.Epoch, knownEpoch));

    // Generations only grow; another epoch of the same or a lower generation than the one loaded is another history (a
    // split one gives two epochs the same number, each with its own id).
    private static bool IsOlderHistory(string? epoch, string? knownEpoch) =>
        epoch is not null && knownEpoch is not null && epoch != knownEpoch && Epochs.GenerationOf(epoch) <= Epochs.GenerationOf(knownEpoch);
}
