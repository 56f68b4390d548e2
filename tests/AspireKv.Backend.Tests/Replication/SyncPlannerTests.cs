using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Replication;

public sealed class SyncPlannerTests
{
    private const string Epoch = "3:e";

    private static SyncAction Decide(
        long head,
        string? epoch = Epoch,
        string? known = Epoch,
        long highest = 10,
        long applied = 10,
        long previousHead = 10,
        bool requested = false,
        bool primaryChanged = false,
        bool failovers = false,
        int? replicas = null) =>
        SyncPlanner.Decide(new ClusterState(head, epoch, primaryChanged, replicas), known, highest, applied, previousHead, requested, failovers);

    [Fact]
    public void Decide_InStep_DoesNothing() => Assert.Equal(SyncAction.None, Decide(head: 10));

    [Fact]
    public void Decide_EpochMissing_Restores() => Assert.Equal(SyncAction.Restore, Decide(head: 10, epoch: null));

    [Fact]
    public void Decide_EpochMissingOnFirstStart_Restores() => Assert.Equal(SyncAction.Restore, Decide(head: 0, epoch: null, known: null, highest: 0, applied: 0));

    [Fact]
    public void Decide_NeverLoaded_LoadsTheDurableCopy() => Assert.Equal(SyncAction.FullResync, Decide(head: 10, known: null));

    [Fact]
    public void Decide_EpochChangedUnderUs_Reloads() => Assert.Equal(SyncAction.FullResync, Decide(head: 12, known: "2:d"));

    [Fact]
    public void Decide_HeadBelowWhatWasApplied_EndsTheEpochAndRestores() =>
        Assert.Equal(SyncAction.InvalidateAndRestore, Decide(head: 7, highest: 10, applied: 10));

    [Fact]
    public void Decide_NewWritesSinceLastCheck_WaitsForTheChannel() =>
        Assert.Equal(SyncAction.None, Decide(head: 15, applied: 10, previousHead: 10));

    [Fact]
    public void Decide_WritesFromBeforeLastCheckStillMissing_CatchesUp() =>
        Assert.Equal(SyncAction.CatchUp, Decide(head: 15, applied: 10, previousHead: 12));

    [Fact]
    public void Decide_CatchUpRequested_CatchesUpAtOnce() =>
        Assert.Equal(SyncAction.CatchUp, Decide(head: 15, applied: 10, previousHead: 10, requested: true));

    [Fact]
    public void Decide_CatchUpRequestedButNothingMissing_DoesNothing() =>
        Assert.Equal(SyncAction.None, Decide(head: 10, requested: true));

    [Fact]
    public void Decide_ReplicaPromotedSinceTheEpochStarted_EndsItAndRestores() =>
        Assert.Equal(SyncAction.InvalidateAndRestore, Decide(head: 10, primaryChanged: true, failovers: true));

    [Fact]
    public void Decide_OlderGenerationBehindSentinel_DistrustsTheServer() =>
        Assert.Equal(SyncAction.DistrustServer, Decide(head: 12, epoch: "2:old", known: "3:e", failovers: true));

    [Fact]
    public void Decide_OlderGenerationOnASingleRedis_Restores() =>
        Assert.Equal(SyncAction.InvalidateAndRestore, Decide(head: 12, epoch: "2:old", known: "3:e"));

    [Fact]
    public void Decide_NewerGeneration_Reloads() =>
        Assert.Equal(SyncAction.FullResync, Decide(head: 12, epoch: "4:new", known: "3:e", failovers: true));

    [Fact]
    public void Decide_SameGenerationOfAnotherHistoryBehindSentinel_DistrustsTheServer() =>
        Assert.Equal(SyncAction.DistrustServer, Decide(head: 12, epoch: "3:other", known: "3:e", failovers: true));

    [Fact]
    public void Decide_NoEpochAndNoReplicaBehindSentinel_DistrustsRatherThanRestoresThere() =>
        Assert.Equal(SyncAction.DistrustServer, Decide(head: 12, epoch: null, failovers: true, replicas: 0));

    [Fact]
    public void IsTrusted_OnASingleRedis_AlwaysSoThePlannerDecides() =>
        Assert.True(SyncPlanner.IsTrusted(new ClusterState(1, "1:old", ConnectedReplicas: 0), "5:new", failoversPossible: false));

    [Fact]
    public void Decide_PrimaryWithoutAnyReplicaBehindSentinel_DistrustsTheServer() =>
        Assert.Equal(SyncAction.DistrustServer, Decide(head: 15, applied: 10, previousHead: 12, failovers: true, replicas: 0));

    [Fact]
    public void Decide_PrimaryWithAReplica_CatchesUpAsUsual() =>
        Assert.Equal(SyncAction.CatchUp, Decide(head: 15, applied: 10, previousHead: 12, failovers: true, replicas: 1));
}
