using System.Net;
using System.Text.Json;

namespace AspireKv.Backend.Tests.Api;

/// <summary>The OpenAPI document describes the public API and nothing else; the reference page is served.</summary>
public sealed class ApiDescriptionTests : InProcessBackendTests
{
    [Fact]
    public async Task OpenApiDocument_HasThePublicRoutesAndNoAdminOnes()
    {
        using var document = JsonDocument.Parse(await Backend.Client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/kv/{key}", paths);
        Assert.Contains("/kv", paths);
        Assert.Contains("/watch", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/admin", StringComparison.Ordinal));
        Assert.Equal("AspireKv", document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task ReferencePage_IsServed()
    {
        using var page = await Backend.Client.GetAsync("/scalar/v1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }
}
