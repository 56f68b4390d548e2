using Aspire.Hosting.ApplicationModel;
using Microsoft.Playwright;

namespace AspireKv.IntegrationTests;

/// <summary>
/// The web client in headless Chromium (Debian's, driven by Playwright), against the running cluster: a key set
/// on the page reads back, the cluster panel shows three healthy backends, and a stopped backend shows as down
/// within seconds while set and get keep working. Saves a screenshot as a test artifact.
/// </summary>
[Collection(GarnetCluster.Name)]
public sealed class BrowserTests(GarnetAppFixture cluster) : ClusterTestBase(cluster)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly float Timeout = 30_000;

    [Fact]
    public async Task Page_SetGetAndClusterPanel_FollowABackendGoingDown()
    {
        await WaitHealthyAsync("client");
        Assertions.SetDefaultExpectTimeout(Timeout);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root in a sandboxless machine, and without the background traffic a closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(Cluster.Client("client").BaseAddress!.ToString());
        await page.Locator("#page-ready").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

        await Expect(page.Locator("#cluster-panel tr.backend[data-state='Up']")).ToHaveCountAsync(3);
        var key = NewKey("browser");
        await SetAndGetAsync(page, key, "Gustavo");

        const string victim = "backend-2";
        await Cluster.Resources.ExecuteCommandAsync(victim, KnownResourceCommands.StopCommand, Cancellation);
        await Expect(page.Locator($"#cluster-panel tr[data-backend='{victim}']")).ToHaveAttributeAsync("data-state", "Down");
        await SetAndGetAsync(page, $"{key}-during", "Montevideo");

        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var shot = Path.Combine(screenshots, "client-with-a-backend-down.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        TestContext.Current.AddAttachment("client-with-a-backend-down.png", await File.ReadAllBytesAsync(shot, Cancellation), "image/png");
    }

    private static async Task SetAndGetAsync(IPage page, string key, string value)
    {
        await page.FillAsync("#kv-key", key);
        await page.FillAsync("#kv-value", value);
        await page.ClickAsync("#kv-set");
        await Expect(page.Locator("#kv-result .headline")).ToContainTextAsync("OK");
        await Expect(page.Locator("#kv-served-by")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^backend-[0-9]$"));

        await page.ClickAsync("#kv-get");
        await Expect(page.Locator("#kv-result-value")).ToHaveTextAsync(value);
        await Expect(page.Locator("#kv-result .headline")).ToContainTextAsync("found");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
