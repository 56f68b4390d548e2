using AspireKv.Balancer.Registry;

namespace AspireKv.Balancer.Tests.Registry;

public sealed class BackendAddressTests
{
    [Theory]
    [InlineData("http://localhost:5001", "http://localhost:5001/")]
    [InlineData("HTTP://LocalHost:5001/", "http://localhost:5001/")]
    [InlineData("http://127.0.0.1", "http://127.0.0.1/")]
    [InlineData("http://127.0.0.1:80", "http://127.0.0.1/")]
    [InlineData("https://kv.example:8443/", "https://kv.example:8443/")]
    public void TryNormalize_HttpUrls_GiveOneCanonicalForm(string input, string expected)
    {
        Assert.True(BackendAddress.TryNormalize(input, out var address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost:5001")]
    [InlineData("ftp://localhost:5001")]
    [InlineData("http://localhost:5001/kv")]
    [InlineData("http://localhost:5001/?x=1")]
    [InlineData("http://user:secret@localhost:5001")]
    public void TryNormalize_NotAPlainHttpBaseUrl_IsRejected(string? input) =>
        Assert.False(BackendAddress.TryNormalize(input, out _));
}
