using AspireKv.Backend.Api;
using AspireKv.Backend.Replication;
using Microsoft.Extensions.Primitives;

namespace AspireKv.Backend.Tests.Api;

public sealed class WritePreconditionsTests
{
    [Fact]
    public void TryParseCondition_NoHeaders_IsUnconditional()
    {
        Assert.True(WritePreconditions.TryParseCondition(StringValues.Empty, StringValues.Empty, out var condition, out _));
        Assert.Equal(WriteConditionKind.None, condition.Kind);
        Assert.Equal(string.Empty, condition.ToScriptArgument());
    }

    [Theory]
    [InlineData("\"42\"", "IfVersion", "42")]
    [InlineData(" \"7\" ", "IfVersion", "7")]
    [InlineData("*", "IfPresent", "E")]
    public void TryParseCondition_IfMatch_GivesCondition(string header, string kind, string scriptArgument)
    {
        Assert.True(WritePreconditions.TryParseCondition(header, StringValues.Empty, out var condition, out _));
        Assert.Equal(kind, condition.Kind.ToString());
        Assert.Equal(scriptArgument, condition.ToScriptArgument());
    }

    [Fact]
    public void TryParseCondition_IfNoneMatchStar_IsCreateOnly()
    {
        Assert.True(WritePreconditions.TryParseCondition(StringValues.Empty, "*", out var condition, out _));
        Assert.Equal(WriteConditionKind.IfAbsent, condition.Kind);
        Assert.Equal("*", condition.ToScriptArgument());
    }

    [Theory]
    [InlineData("42")]
    [InlineData("W/\"42\"")]
    [InlineData("\"0\"")]
    [InlineData("\"-3\"")]
    [InlineData("\"4x\"")]
    [InlineData("\"\"")]
    public void TryParseCondition_MalformedIfMatch_IsRejected(string header) =>
        Assert.False(WritePreconditions.TryParseCondition(header, StringValues.Empty, out _, out _));

    [Fact]
    public void TryParseCondition_SeveralIfMatchValues_AreRejected() =>
        Assert.False(WritePreconditions.TryParseCondition(new StringValues(["\"1\"", "\"2\""]), StringValues.Empty, out _, out _));

    [Fact]
    public void TryParseCondition_BothHeaders_AreRejected() =>
        Assert.False(WritePreconditions.TryParseCondition("\"1\"", "*", out _, out _));

    [Fact]
    public void TryParseCondition_IfNoneMatchWithVersion_IsRejected() =>
        Assert.False(WritePreconditions.TryParseCondition(StringValues.Empty, "\"3\"", out _, out _));

    [Theory]
    [InlineData("order-2026-11-28-0001")]
    [InlineData("a")]
    public void TryParseIdempotencyKey_Printable_IsAccepted(string key)
    {
        Assert.True(WritePreconditions.TryParseIdempotencyKey(key, out var parsed, out _));
        Assert.Equal(key, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("clé")]
    public void TryParseIdempotencyKey_Invalid_IsRejected(string key) =>
        Assert.False(WritePreconditions.TryParseIdempotencyKey(key, out _, out _));

    [Fact]
    public void TryParseIdempotencyKey_TooLong_IsRejected() =>
        Assert.False(WritePreconditions.TryParseIdempotencyKey(new string('k', WritePreconditions.MaxIdempotencyKeyLength + 1), out _, out _));
}
