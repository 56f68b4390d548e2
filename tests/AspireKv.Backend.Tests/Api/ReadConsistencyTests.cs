using AspireKv.Backend.KeyValue;

namespace AspireKv.Backend.Tests.Api;

public sealed class ReadConsistencyTests
{
    [Theory]
    [InlineData(null, null, "Local", 0)]
    [InlineData("local", null, "Local", 0)]
    [InlineData("STRONG", null, "Strong", 0)]
    [InlineData(null, "42", "Session", 42)]
    [InlineData("session", "7", "Session", 7)]
    [InlineData("session", null, "Session", 0)]
    public void TryParse_ValidHeaders_GiveLevelAndToken(string? level, string? token, string expected, long expectedToken)
    {
        Assert.True(ReadConsistency.TryParse(level, token, out var consistency, out _));
        Assert.Equal(expected, consistency.Level.ToString());
        Assert.Equal(expectedToken, consistency.MinVersion);
    }

    [Theory]
    [InlineData("eventual", null)]
    [InlineData(null, "-1")]
    [InlineData(null, "abc")]
    [InlineData("session", "1.5")]
    public void TryParse_InvalidHeaders_GiveAReason(string? level, string? token)
    {
        Assert.False(ReadConsistency.TryParse(level, token, out _, out var error));
        Assert.NotNull(error);
    }
}
