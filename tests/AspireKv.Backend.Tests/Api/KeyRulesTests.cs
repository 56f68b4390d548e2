using AspireKv.Backend.Api;

namespace AspireKv.Backend.Tests.Api;

public sealed class KeyRulesTests
{
    [Theory]
    [InlineData("nombre")]
    [InlineData("user:42")]
    [InlineData("a-b_c.d~e@f")]
    [InlineData("clé")]
    [InlineData("日本")]
    public void Validate_UsualKeys_AreValid(string key) => Assert.Null(KeyRules.Validate(key));

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("tab\there")]
    [InlineData("new\nline")]
    [InlineData("nul\0")]
    [InlineData("a%C3%28")]
    [InlineData("100%")]
    public void Validate_EmptyOrWithWhiteSpaceOrControl_IsRejected(string key) => Assert.NotNull(KeyRules.Validate(key));

    [Fact]
    public void Validate_AtMaximumLength_IsValid() => Assert.Null(KeyRules.Validate(new string('k', KeyRules.MaxKeyBytes)));

    [Fact]
    public void Validate_OneByteOverMaximum_IsRejected() => Assert.NotNull(KeyRules.Validate(new string('k', KeyRules.MaxKeyBytes + 1)));

    [Fact]
    public void Validate_LengthCountsUtf8Bytes() => Assert.NotNull(KeyRules.Validate(new string('é', (KeyRules.MaxKeyBytes / 2) + 1)));
}
