using AspireKv.Backend.Redis;

namespace AspireKv.Backend.Tests.Replication;

public sealed class PrimaryConfirmationTests
{
    private const string Committed = "aaaa";

    private static string Section(string role, string replicationId) =>
        $"# Replication\r\nrole:{role}\r\nconnected_slaves:1\r\nmaster_replid:{replicationId}\r\nmaster_repl_offset:42\r\n";

    [Fact]
    public void AnswersAnotherPrimary_OnlyTheCommitsServerIsPrimary_IsFalse() =>
        Assert.False(PrimaryConfirmation.AnswersAnotherPrimary(Committed, [Section("master", Committed), Section("slave", Committed), null]));

    [Fact]
    public void AnswersAnotherPrimary_APromotedReplica_IsTrue() =>
        Assert.True(PrimaryConfirmation.AnswersAnotherPrimary(Committed, [Section("master", Committed), Section("master", "bbbb")]));

    [Fact]
    public void AnswersAnotherPrimary_TheCommitsServerAlreadyDemoted_IsTrue() =>
        // Moved under the new primary, a replica reports its primary's replication id; the new primary answers as one.
        Assert.True(PrimaryConfirmation.AnswersAnotherPrimary(Committed, [Section("slave", "bbbb"), Section("master", "bbbb")]));
}
