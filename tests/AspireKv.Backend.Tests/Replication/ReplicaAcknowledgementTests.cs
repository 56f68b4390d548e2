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
    [InlineData(nameof(CommitStatus.Committed), false, 0, 1, false)]
    [InlineData(nameof(CommitStatus.Committed), false, 1, 1, true)]
    [InlineData(nameof(CommitStatus.Committed), true, 2, 1, true)]
    [InlineData(nameof(CommitStatus.Replayed), true, 0, 1, false)]
    [InlineData(nameof(CommitStatus.Replayed), true, 1, 1, true)]
    [InlineData(nameof(CommitStatus.Committed), false, 0, 0, true)]
    [InlineData(nameof(CommitStatus.PreconditionFailed), false, 0, 1, true)]
    [InlineData(nameof(CommitStatus.NotFound), false, 0, 1, true)]
    [InlineData(nameof(CommitStatus.PreconditionFailed), true, 0, 1, false)]
    [InlineData(nameof(CommitStatus.PreconditionFailed), true, 1, 1, true)]
    [InlineData(nameof(CommitStatus.NotFound), true, 0, 1, false)]
    [InlineData(nameof(CommitStatus.RecoveryNeeded), true, 0, 1, true)]
    [InlineData(nameof(CommitStatus.StaleEpoch), true, 0, 1, true)]
    [InlineData(nameof(CommitStatus.IdempotencyKeyReused), true, 0, 1, true)]
    public void IsSettled_OnlyOutcomesThatWroteSomethingWaitForReplicas(string status, bool recorded, long acknowledgedBy, int required, bool settled) =>
        Assert.Equal(settled, ReplicaAcknowledgement.IsSettled(Enum.Parse<CommitStatus>(status), recorded, acknowledgedBy, required));
}
