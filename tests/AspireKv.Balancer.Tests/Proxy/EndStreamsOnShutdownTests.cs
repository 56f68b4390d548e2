using System.Net.Http.Headers;
using System.Net.Http.Json;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireKv.Balancer.Tests.Proxy;

/// <summary>A watch proxied by a whole in-process balancer ends when the balancer stops, instead of holding up its shutdown.</summary>
public sealed class EndStreamsOnShutdownTests
{
    private const string Secret = "test";

    [Fact]
    public async Task ProxiedWatch_WhenTheBalancerStops_Ends()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        await using var backend = await StartEndlessWatchBackendAsync(deadline.Token);
        var backendAddress = backend.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

        var builder = WebApplication.CreateBuilder(["--Cluster:Secret", Secret]);
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        builder.AddBalancer();
        await using var balancer = builder.Build();
        balancer.MapDefaultEndpoints();
        balancer.MapBalancer();
        await balancer.StartAsync(deadline.Token);
        using var client = balancer.GetTestClient();
        using var register = new HttpRequestMessage(HttpMethod.Put, $"{KvRoutes.Registry}/endless")
        {
            Content = JsonContent.Create(new BackendRegistration("endless", backendAddress)),
        };
        register.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        using var registered = await client.SendAsync(register, deadline.Token);
        registered.EnsureSuccessStatusCode();

        var reader = await OpenWatchAsync(client, deadline.Token);
        var stopping = balancer.StopAsync(deadline.Token);

        // The backend keeps the stream alive for ever; only the balancer ending it lets this loop finish in time.
        await ReadToEndAsync(reader, deadline.Token);
        await stopping.WaitAsync(deadline.Token);
    }

    private static async Task<StreamReader> OpenWatchAsync(HttpClient client, CancellationToken cancellationToken)
    {
        // The registry publishes its configuration to the proxy asynchronously: retry until the route reaches the backend.
        while (true)
        {
            var response = await client.GetAsync(KvRoutes.Watch, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                Assert.Equal(": open", await reader.ReadLineAsync(cancellationToken));
                return reader;
            }

            response.Dispose();
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task ReadToEndAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is not null)
            {
            }
        }
        catch (IOException)
        {
            // Aborted by the balancer: the stream is over, which is what the client needs to reconnect.
        }
    }

    private static async Task<WebApplication> StartEndlessWatchBackendAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet(KvRoutes.Watch, async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(": open\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                // Keep-alives more often than the balancer's activity timeout, as the real backend sends them.
                while (true)
                {
                    await Task.Delay(200, context.RequestAborted);
                    await context.Response.WriteAsync(": keep-alive\n\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The balancer went away.
            }
        });
        await app.StartAsync(cancellationToken);
        return app;
    }
}
