using System.Net;
using System.Net.Sockets;
using AspireKv.Backend.Node;
using AspireKv.Backend.Registration;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireKv.Backend.Tests.Registration;

public sealed class BalancerRegistrationServiceTests
{
    [Fact]
    public async Task Renewal_ThatFailsWithABareSocketException_IsRetriedInsteadOfStoppingTheBackend()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var balancer = new FlakyBalancer(new SocketException((int)SocketError.NotConnected));
        var status = new ReplicationStatus();
        status.FullResyncCompleted("epoch");
        using var service = new BalancerRegistrationService(
            new SingleClientFactory(balancer),
            new NodeIdentity(Options.Create(new NodeOptions { Name = "backend-registration-test", PublicUrl = new Uri("http://127.0.0.1:5999") }), new ConfigurationBuilder().Build()),
            status,
            new Replica(new KeyValueStore()),
            new AspireKv.Backend.Diagnostics.RedisServersView(TimeProvider.System),
            Options.Create(new RegistrationOptions { BalancerUrl = new Uri("http://127.0.0.1:4999"), RenewInterval = TimeSpan.FromMilliseconds(20) }),
            TimeProvider.System,
            NullLogger<BalancerRegistrationService>.Instance);

        await service.StartAsync(cancellation);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (balancer.Succeeded == 0 && DateTime.UtcNow < deadline && service.ExecuteTask is { IsCompleted: false })
        {
            await Task.Delay(10, cancellation);
        }

        // The first renewal threw; the service kept running and the next one registered.
        Assert.False(service.ExecuteTask!.IsFaulted, service.ExecuteTask.Exception?.ToString());
        Assert.Equal(1, balancer.Failed);
        Assert.True(balancer.Succeeded > 0, "No renewal after the failed one.");
        await service.StopAsync(cancellation);
    }

    /// <summary>Throws <paramref name="failure"/> on the first request and answers 200 to every later one.</summary>
    private sealed class FlakyBalancer(Exception failure) : HttpMessageHandler
    {
        private int _requests;

        public int Failed { get; private set; }

        public int Succeeded { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _requests) == 1)
            {
                Failed++;
                throw failure;
            }

            Succeeded++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
