using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Replication;

public sealed class IdempotencyFingerprintTests
{
    private static readonly WriteRequest Write = new(ChangeKind.Set, "k", "v"u8.ToArray(), WriteCondition.None, "key-1");

    [Fact]
    public void Of_TheSameWrite_IsTheSame_WhateverTheIdempotencyKey() =>
        Assert.Equal(IdempotencyFingerprint.Of(Write), IdempotencyFingerprint.Of(Write with { Value = "v"u8.ToArray(), IdempotencyKey = "key-2" }));

    public static TheoryData<string> Differences => ["kind", "key", "value", "condition", "condition version", "ttl", "no ttl", "shifted boundary"];

    [Theory]
    [MemberData(nameof(Differences))]
    public void Of_AnyDifferentWrite_Differs(string difference)
    {
        var other = difference switch
        {
            "kind" => Write with { Kind = ChangeKind.Delete },
            "key" => Write with { Key = "k2" },
            "value" => Write with { Value = "w"u8.ToArray() },
            "condition" => Write with { Condition = new WriteCondition(WriteConditionKind.IfAbsent) },
            "condition version" => Write with { Condition = new WriteCondition(WriteConditionKind.IfVersion, 2) },
            "ttl" => Write with { TimeToLive = TimeSpan.FromSeconds(30) },
            "no ttl" => Write with { TimeToLive = TimeSpan.FromSeconds(0.1) },
            // The same bytes split differently between key and value.
            _ => Write with { Key = "kv", Value = [] },
        };

        Assert.NotEqual(IdempotencyFingerprint.Of(Write), IdempotencyFingerprint.Of(other));
        Assert.Equal(32, IdempotencyFingerprint.Of(other).Length);
    }
}
