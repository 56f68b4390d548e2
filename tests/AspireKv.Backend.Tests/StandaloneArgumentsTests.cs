namespace AspireKv.Backend.Tests;

public sealed class StandaloneArgumentsTests
{
    [Fact]
    public void Expand_LeadingPort_BecomesUrlAndName() =>
        Assert.Equal(
            ["--urls", "http://localhost:5002", "--Node:Name", "backend-5002", "--verbose"],
            StandaloneArguments.Expand(["5002", "--verbose"]));

    [Theory]
    [InlineData("--urls")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("50a")]
    public void Expand_NoPortFirst_PassesThrough(string first) =>
        Assert.Equal([first, "x"], StandaloneArguments.Expand([first, "x"]));
}
