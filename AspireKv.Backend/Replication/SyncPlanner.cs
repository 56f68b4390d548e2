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
        if (state.Epoch is null)
        {
            return SyncAction.Restore;
        }

        if (failoversPossible && state.ConnectedReplicas == 0)
        {
            // A primary cut off from its replicas, or one demoted while it hung that still answers as primary: its log
            // may hold writes it committed alone after the promotion, which nobody acknowledged. Use nothing it says.
            return SyncAction.DistrustServer;
        }

        if (state.PrimaryChanged)
        {
            // A promoted replica may lack acknowledged writes that backends hold, and would reissue their versions.
            return SyncAction.InvalidateAndRestore;
        }

        if (knownEpoch is not null && Epochs.GenerationOf(state.Epoch) < Epochs.GenerationOf(knownEpoch))
        {
            // Generations only grow. Behind Sentinel, an older one is a demoted primary that still answers as one (it
            // was hung, or cut off, while a replica was promoted): loading its data would take back writes it never
            // had and apply ones nobody acknowledged. A single Redis that went back to an older file lost data.
            return failoversPossible ? SyncAction.DistrustServer : SyncAction.InvalidateAndRestore;
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
}
