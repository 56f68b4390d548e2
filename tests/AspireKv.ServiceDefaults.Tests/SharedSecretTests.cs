using Microsoft.Extensions.Hosting;

namespace AspireKv.ServiceDefaults.Tests;

public sealed class SharedSecretTests
{
    [Fact]
    public void Matches_BearerWithTheSecret_IsAccepted() => Assert.True(SharedSecret.Matches("s3cret", "Bearer s3cret"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s3cret")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer s3cre")]
    [InlineData("Bearer s3cret ")]
    [InlineData("Basic s3cret")]
    [InlineData("bearer s3cret")]
    public void Matches_AnythingElse_IsRefused(string? authorization) => Assert.False(SharedSecret.Matches("s3cret", authorization));

    [Fact]
    public void Matches_NoSecretConfigured_RefusesEverything()
    {
        Assert.False(SharedSecret.Matches(null, "Bearer "));
        Assert.False(SharedSecret.Matches("", "Bearer "));
    }
}
