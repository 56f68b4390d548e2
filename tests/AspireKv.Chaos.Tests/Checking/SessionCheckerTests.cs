using AspireKv.Chaos.Checking;
using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests.Checking;

public sealed class SessionCheckerTests
{
    private static CheckResult Check(HistoryBuilder builder) => new SessionChecker().Check(builder.Build());

    private static HistoryBuilder TwoWrites() => new HistoryBuilder()
        .Set("k", "a", 0, 10, version: 1)
        .Set("k", "b", 20, 30, version: 2);

    [Fact]
    public void Check_ReadBelowItsToken_Fails()
    {
        var line = Assert.Single(Check(TwoWrites().SessionRead("k", "a", minVersion: 2, 40, 50, version: 1)).Violations);

        Assert.Contains("op 3 ", line, StringComparison.Ordinal);
        Assert.Contains("went back in time: it sent min v2 but returned v1, older than op 2 ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", 1, 1)]
    [InlineData("b", 1, 2)]
    [InlineData("b", 2, 2)]
    public void Check_ReadAtOrAboveItsToken_Passes(string value, long token, long version)
    {
        var result = Check(TwoWrites().SessionRead("k", value, token, 40, 50, version));

        Assert.True(result.Passed, string.Join('\n', result.Violations));
        Assert.Equal(1, result.Checked);
    }

    [Fact]
    public void Check_StaleReadWithoutToken_Passes()
    {
        Assert.True(Check(TwoWrites().SessionRead("k", null, minVersion: 0, 40, 50)).Passed);
    }

    [Fact]
    public void Check_NotFoundExplainedByLaterDelete_Passes()
    {
        var acknowledged = TwoWrites().Delete("k", 35, 38, version: 3).SessionRead("k", null, minVersion: 2, 40, 50);
        var unknown = TwoWrites().Delete("k", 35, 60, outcome: Outcome.Unknown).SessionRead("k", null, minVersion: 2, 40, 50);

        Assert.True(Check(acknowledged).Passed);
        Assert.True(Check(unknown).Passed);
    }

    [Fact]
    public void Check_NotFoundWithoutDelete_Fails()
    {
        var line = Assert.Single(Check(TwoWrites().SessionRead("k", null, minVersion: 2, 40, 50)).Violations);

        Assert.Contains("op 3 ", line, StringComparison.Ordinal);
        Assert.Contains("found nothing, but its token covers op 2 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NotFoundWhenTheOnlyDeleteCameAfterTheRead_Fails()
    {
        var history = TwoWrites().SessionRead("k", null, minVersion: 2, 40, 50).Delete("k", 60, 70, version: 3);

        Assert.False(Check(history).Passed);
    }

    [Fact]
    public void Check_NotFoundWhenTheOnlyDeleteIsOlderThanTheToken_Fails()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Delete("k", 20, 30, version: 2)
            .Set("k", "b", 40, 50, version: 3)
            .SessionRead("k", null, minVersion: 3, 60, 70);

        Assert.False(Check(history).Passed);
    }

    [Fact]
    public void Check_NotFoundWhenTokenCoversADelete_Passes()
    {
        var history = new HistoryBuilder()
            .Set("k", "a", 0, 10, version: 1)
            .Delete("k", 20, 30, version: 2)
            .SessionRead("k", null, minVersion: 2, 40, 50);

        Assert.True(Check(history).Passed);
    }

    [Fact]
    public void Check_VersionLearnedFromAnyReadOfAnUnknownWrite_RaisesTheFloor()
    {
        // The unknown write's version (3) is known only because a local read returned its value with it.
        var history = TwoWrites()
            .Set("k", "c", 40, 50, outcome: Outcome.Unknown)
            .LocalRead("k", "c", 60, 70, version: 3)
            .SessionRead("k", "b", minVersion: 3, 80, 90, version: 2);

        var line = Assert.Single(Check(history).Violations);
        Assert.Contains("older than op 3 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReadOfValueNoOneWrote_Fails()
    {
        var line = Assert.Single(Check(TwoWrites().SessionRead("k", "ghost", minVersion: 2, 40, 50, version: 9)).Violations);

        Assert.Contains("a value no operation wrote", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReadOfRightValueUnderWrongVersion_Fails()
    {
        var line = Assert.Single(Check(TwoWrites().SessionRead("k", "b", minVersion: 2, 40, 50, version: 5)).Violations);

        Assert.Contains("returned v5, but op 2 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ClientTokenThatDecreases_Fails()
    {
        var history = TwoWrites()
            .SessionRead("k", "b", minVersion: 2, 40, 50, version: 2, client: 7)
            .SessionRead("k", "b", minVersion: 1, 60, 70, version: 2, client: 7)
            .SessionRead("k", "b", minVersion: 0, 60, 70, version: 2, client: 8);

        var line = Assert.Single(Check(history).Violations);

        Assert.Equal("client 7: op 4 sent min v1 after op 3 had sent min v2", line);
    }

    [Fact]
    public void Check_FailedAndUnknownReads_AreIgnored()
    {
        var history = TwoWrites()
            .Add(new Operation(3, 1, OperationKind.Read, "k", "a", null, Consistency.Session, 2, 40, 50, Outcome.Unknown, 1, null, null, null, "timeout"));

        var result = Check(history);

        Assert.True(result.Passed);
        Assert.Equal(0, result.Checked);
    }
}
