using AspireKv.Balancer.Registry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace AspireKv.Balancer.Proxy;

/// <summary>Pushes the registry into YARP whenever it changes. Destination ids are stable, so health state survives.</summary>
internal sealed class RegistryConfigPublisher(
    BackendRegistry registry,
    InMemoryConfigProvider provider,
    IOptions<BalancerOptions> options) : IHostedService
{
    private readonly Lock _lock = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.Changed += Publish;
        Publish();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        registry.Changed -= Publish;
        return Task.CompletedTask;
    }

    private void Publish()
    {
        // Serialised so that an older snapshot can never overwrite a newer one.
        lock (_lock)
        {
            provider.Update(ProxyConfigFactory.Routes, ProxyConfigFactory.Clusters(registry.Snapshot(), options.Value));
        }
    }
}
