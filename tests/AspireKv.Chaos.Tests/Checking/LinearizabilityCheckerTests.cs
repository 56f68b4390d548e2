using AspireKv.Chaos.Checking;
using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests.Checking;

public sealed class LinearizabilityCheckerTests
{
    private static CheckResult Check(HistoryBuilder builder, long maxSteps = LinearizabilityChecker.DefaultMaxStepsPerKey) =>
        new LinearizabilityChecker(maxSteps).Check(builder.Build());

    private static void AssertFails(CheckResult result, params string[] mentions)
    {
        Assert.False(result.Passed, "expected a violation");
        var line = Assert.Single(result.Violations);
        Assert.Contains("not linearizable", line, StringComparison.Ordinal);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_SequentialHistoryOfEveryKind_Passes()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Read("k", "a", 20, 30, version: 1)
            .Cas("k", "b", expected: 1, 40, 50, version: 2)
            .Create("k", "c", 60, 70, version: 2, outcome: Outcome.PreconditionFailed)
            .Delete("k", 80, 90, version: 3)
            .Read("k", null, 100, 110)
            .Delete("k", 120, 130, outcome: Outcome.NotFound)
            .Cas("k", "x", expected: 2, 135, 138, version: 3, outcome: Outcome.PreconditionFailed)
            .Create("k", "d", 140, 150, version: 4)
            .Cas("k", "e", expected: 2, 160, 170, version: 4, outcome: Outcome.PreconditionFailed)
            .Read("k", "d", 180, 190, version: 4);

        var result = Check(history);

        Assert.True(result.Passed, string.Join('\n', result.Violations));
        Assert.Equal(11, result.Checked);
    }

    [Theory]
    [InlineData("a", "b", true)]
    [InlineData("b", "b", true)]
    [InlineData("a", "a", false)]
    [InlineData("b", "a", false)]
    public void Check_ReadsAroundTwoConcurrentWrites_AcceptOnlyOrdersTheVersionsAllow(string during, string after, bool linearizable)
    {
        // Both writes overlap the first read, so it may see either; once both answered, the newer version (b) must show.
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 100, version: 1)
            .Set("k", "b", 0, 100, version: 2)
            .Read("k", during, 50, 60, version: during == "a" ? 1 : 2)
            .Read("k", after, 110, 120, version: after == "a" ? 1 : 2);

        Assert.Equal(linearizable, Check(history).Passed);
    }

    [Fact]
    public void Check_StrongReadOfOverwrittenValue_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 20, 30, version: 2)
            .Read("k", "a", 40, 50, version: 1);

        AssertFails(Check(history), "key \"k\"", "op 3 ");
    }

    [Fact]
    public void Check_StaleLocalAndSessionReads_AreNotItsBusiness()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 20, 30, version: 2)
            .LocalRead("k", "a", 40, 50, version: 1)
            .SessionRead("k", "a", minVersion: 1, 40, 50, version: 1);

        var result = Check(history);

        Assert.True(result.Passed, string.Join('\n', result.Violations));
        Assert.Equal(2, result.Checked);
    }

    [Fact]
    public void Check_ReadOfValueFromFailedWrite_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 20, 30, outcome: Outcome.Failed)
            .Read("k", "b", 40, 50, version: 2);

        AssertFails(Check(history), "op 3 ");
    }

    [Fact]
    public void Check_ReadOfValueNeverWritten_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Read("k", "ghost", 20, 30, version: 1);

        AssertFails(Check(history), "\"ghost\"");
    }

    [Fact]
    public void Check_ReadOfRightValueWithWrongVersion_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Read("k", "a", 20, 30, version: 7);

        AssertFails(Check(history));
    }

    [Fact]
    public void Check_UnknownWriteObservedLater_Passes()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 20, 30, outcome: Outcome.Unknown)
            .Read("k", "b", 100, 110, version: 2)
            .Read("k", "b", 120, 130, version: 2);

        Assert.True(Check(history).Passed);
    }

    [Fact]
    public void Check_UnknownWriteNeverObserved_Passes()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 20, 30, outcome: Outcome.Unknown)
            .Read("k", "a", 100, 110, version: 1);

        Assert.True(Check(history).Passed);
    }

    [Fact]
    public void Check_OlderValueAfterUnknownWriteWasObserved_Fails()
    {
        // The unknown write took effect (a read saw it), and it can take effect only once.
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 20, 30, outcome: Outcome.Unknown)
            .Read("k", "b", 100, 110, version: 2)
            .Read("k", "a", 120, 130, version: 1);

        AssertFails(Check(history), "op 4 ");
    }

    [Fact]
    public void Check_UnknownDeleteObserved_ThenValueAgain_Fails()
    {
        var passing = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Delete("k", 20, 30, outcome: Outcome.Unknown)
            .Read("k", null, 40, 50);
        Assert.True(Check(passing).Passed);

        AssertFails(Check(passing.Read("k", "a", 60, 70, version: 1)), "op 4 ");
    }

    [Fact]
    public void Check_ConditionalSetAcceptedOnOutdatedVersion_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 20, 30, version: 2)
            .Cas("k", "c", expected: 1, 40, 50, version: 3);

        AssertFails(Check(history), "op 3 ");
    }

    [Fact]
    public void Check_ConditionalSetRefusedThoughVersionMatchedAndNothingRaced_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Cas("k", "b", expected: 1, 20, 30, outcome: Outcome.PreconditionFailed);

        AssertFails(Check(history), "op 2 ");
    }

    [Fact]
    public void Check_ConditionalSetOnTheTombstonesVersion_IsRefusedBecauseTheKeyHoldsNoValue()
    {
        // Found by the first chaos run: a client that deleted a key holds the tombstone's version; If-Match with it
        // must fail (there is no current value), and a checker that required the opposite was wrong.
        var refused = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Delete("k", 20, 30, version: 2)
            .Cas("k", "b", expected: 2, 40, 50, version: 2, outcome: Outcome.PreconditionFailed);
        Assert.True(Check(refused).Passed);

        var accepted = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Delete("k", 20, 30, version: 2)
            .Cas("k", "b", expected: 2, 40, 50, version: 3);
        AssertFails(Check(accepted), "op 3 ");
    }

    [Fact]
    public void Check_ConditionalSetRefusedBecauseOfConcurrentWrite_Passes()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "b", 15, 40, version: 2)
            .Cas("k", "c", expected: 1, 20, 30, version: 2, outcome: Outcome.PreconditionFailed);

        Assert.True(Check(history).Passed);
    }

    [Fact]
    public void Check_RefusalReportingAVersionTheKeyNeverHadThen_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Create("k", "b", 20, 30, version: 5, outcome: Outcome.PreconditionFailed);

        AssertFails(Check(history), "op 2 ");
    }

    [Fact]
    public void Check_CreateOverValueOrDeleteOfNothing_Fails()
    {
        var create = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Create("k", "b", 20, 30, version: 2);
        var delete = new HistoryBuilder()
            .Delete("k", 0, 10, version: 1);

        AssertFails(Check(create), "op 2 ");
        AssertFails(Check(delete), "op 1 ");
    }

    [Fact]
    public void Check_AcknowledgedWritesWhoseVersionsContradictRealTime_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 5)
            .Set("k", "b", 20, 30, version: 3);

        AssertFails(Check(history), "op 2 ");
    }

    [Fact]
    public void Check_ReadInvokedTheInstantAWriteAnswered_CountsAsConcurrent()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Read("k", null, 10, 20);

        Assert.True(Check(history).Passed);
    }

    [Fact]
    public void Check_KeysAreIndependent_OnlyTheBrokenKeyIsReported()
    {
        var history = new HistoryBuilder()
            .Set("good", "a", 0, 10, version: 1)
            .Set("bad", "b", 0, 10, version: 2)
            .Set("bad", "c", 20, 30, version: 3)
            .Read("good", "a", 40, 50, version: 1)
            .Read("bad", "b", 40, 50, version: 2);

        AssertFails(Check(history), "key \"bad\"");
    }

    [Fact]
    public void Check_LongRandomLinearizableHistory_PassesQuickly()
    {
        var history = LinearizableHistoryGenerator.Generate(seed: 20_261_128, count: 1500, keys: 3);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var result = new LinearizabilityChecker().Check(history);

        Assert.True(result.Passed, string.Join('\n', result.Violations));
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Check_LongRandomHistoryWithOneStaleRead_FailsOnThatRead()
    {
        var good = LinearizableHistoryGenerator.Generate(seed: 20_261_128, count: 1500, keys: 3);
        var (bad, corrupted) = LinearizableHistoryGenerator.CorruptOneRead(good);

        var result = new LinearizabilityChecker().Check(bad);

        var line = Assert.Single(result.Violations);
        Assert.Contains("not linearizable", line, StringComparison.Ordinal);
        Assert.Contains($"; op {corrupted} (", line, StringComparison.Ordinal);
        Assert.EndsWith("cannot be linearized after it", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Check_EightConcurrentUnknownWrites_FinishesWithinBudget(bool linearizable)
    {
        // Nothing orders the eight unknown writes (and the reads carry no version), so the search must consider
        // which of them took effect and in which order: 2^8 subsets, each with any of them last.
        var history = new HistoryBuilder();
        for (var i = 1; i <= 8; i++)
        {
            history.Set("k", "u" + i, i, 1000, outcome: Outcome.Unknown);
        }

        history.Read("k", "u3", 100, 110).Read("k", "u6", 120, 130).Read("k", "u6", 140, 150);
        if (!linearizable)
        {
            history.Read("k", "u3", 160, 170);
        }

        var result = Check(history, maxSteps: 100_000);

        Assert.Equal(linearizable, result.Passed);
        Assert.DoesNotContain(result.Violations, line => line.Contains("inconclusive", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_ManyUnobservedUnknownWrites_FailureIsStillConclusive()
    {
        // Twenty unknown writes no one saw: tried as subsets that would be 2^20 orders before giving up on the read.
        var history = new HistoryBuilder().Set("k", "a", 0, 10, version: 1);
        for (var i = 1; i <= 20; i++)
        {
            history.Set("k", "u" + i, 20 + i, 1000, outcome: Outcome.Unknown);
        }

        history.Read("k", "a", 100, 110, version: 1).Read("k", null, 120, 130);

        var line = Assert.Single(Check(history, maxSteps: 100_000).Violations);

        Assert.Contains("not linearizable", line, StringComparison.Ordinal);
        Assert.Contains("op 23 (", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BudgetExceeded_IsReportedAsInconclusiveNotPassed()
    {
        var history = new HistoryBuilder();
        for (var i = 1; i <= 8; i++)
        {
            history.Set("k", "u" + i, i, 1000, outcome: Outcome.Unknown);
        }

        history.Read("k", "u3", 100, 110).Read("k", "u6", 120, 130).Read("k", "u3", 140, 150);

        var result = Check(history, maxSteps: 50);

        var line = Assert.Single(result.Violations);
        Assert.Contains("key \"k\": inconclusive (search budget of 50 steps exceeded)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AnswerTheProtocolCannotGive_IsReported()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, outcome: Outcome.PreconditionFailed);

        var line = Assert.Single(Check(history).Violations);
        Assert.Contains("op 1 ", line, StringComparison.Ordinal);
        Assert.Contains("cannot end PreconditionFailed", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TwoWritesOfTheSameValue_AreReported()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Set("k", "a", 20, 30, version: 2);

        var line = Assert.Single(Check(history).Violations);
        Assert.Contains("wrote the same value", line, StringComparison.Ordinal);
    }
}
