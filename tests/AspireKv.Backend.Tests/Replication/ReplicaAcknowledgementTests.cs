using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Replication;

public sealed class ReplicaAcknowledgementTests
{
    [Theory]
    [InlineData(null, false, 0)]
    [InlineData(null, true, 1)]
    [InlineData(2, false, 2)]
    [InlineData(0, true, 0)]
    public void Required_IsTheSettingElseOneBehindSentinel(int? configured, bool behindSentinel, int required) =>
        Assert.Equal(required, ReplicaAcknowledgement.Required(configured, behindSentinel));

    [Theory]
    [InlineData(nameof(CommitStatus.Committed), 0, 1, false)]
    [InlineData(nameof(CommitStatus.Committed), 1, 1, true)]
    [InlineData(nameof(CommitStatus.Committed), 2, 1, true)]
    [InlineData(nameof(CommitStatus.Replayed), 0, 1, false)]
    [InlineData(nameof(CommitStatus.Replayed), 1, 1, true)]
    [InlineData(nameof(CommitStatus.Committed), 0, 0, true)]
    [InlineData(nameof(CommitStatus.PreconditionFailed), 0, 1, true)]
    [InlineData(nameof(CommitStatus.NotFound), 0, 1, true)]
    [InlineData(nameof(CommitStatus.RecoveryNeeded), 0, 1, true)]
    [InlineData(nameof(CommitStatus.IdempotencyKeyReused), 0, 1, true)]
    public void IsSettled_OnlyWritesThatHappenedWaitForReplicas(string status, long acknowledgedBy, int required, bool settled) =>
        Assert.Equal(settled, ReplicaAcknowledgement.IsSettled(Enum.Parse<CommitStatus>(status), acknowledgedBy, required));
}
