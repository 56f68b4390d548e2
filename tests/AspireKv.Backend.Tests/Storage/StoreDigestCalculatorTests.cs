using System.Text;
using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Tests.Storage;

public sealed class StoreDigestCalculatorTests
{
    private static string Digest(params (string Key, long Version, string? Value)[] entries) =>
        StoreDigestCalculator.Compute(entries.Select(e =>
            KeyValuePair.Create(e.Key, new StoredEntry(e.Version, e.Value is null ? null : Encoding.UTF8.GetBytes(e.Value)))));

    [Fact]
    public void Compute_SameEntriesInOtherOrder_SameDigest() =>
        Assert.Equal(Digest(("a", 1, "x"), ("b", 2, "y")), Digest(("b", 2, "y"), ("a", 1, "x")));

    [Fact]
    public void Compute_DifferentValue_DifferentDigest() =>
        Assert.NotEqual(Digest(("a", 1, "x")), Digest(("a", 1, "z")));

    [Fact]
    public void Compute_DifferentVersion_DifferentDigest() =>
        Assert.NotEqual(Digest(("a", 1, "x")), Digest(("a", 2, "x")));

    [Fact]
    public void Compute_TombstoneVersusEmptyValue_DifferentDigest() =>
        Assert.NotEqual(Digest(("a", 1, null)), Digest(("a", 1, "")));

    [Fact]
    public void Compute_KeyValueBoundaryMoved_DifferentDigest() =>
        Assert.NotEqual(Digest(("ab", 1, "c")), Digest(("a", 1, "bc")));

    [Fact]
    public void Compute_DifferentExpiry_DifferentDigest()
    {
        static string One(long expiresAt) => StoreDigestCalculator.Compute([KeyValuePair.Create("a", new StoredEntry(1, [1], ExpiresAt: expiresAt))]);

        Assert.NotEqual(One(5_000), One(6_000));
        Assert.NotEqual(One(0), One(5_000));
        Assert.Equal(StoreDigestCalculator.Compute([KeyValuePair.Create("a", new StoredEntry(1, [1]))]), One(0));
    }

    [Fact]
    public void Compute_Empty_IsZero() =>
        Assert.Equal("0000000000000000", Digest());
}
