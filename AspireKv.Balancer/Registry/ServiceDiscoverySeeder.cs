using System.Net;
using AspireKv.Balancer.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace AspireKv.Balancer.Registry;

/// <summary>
/// Seeds the registry from Aspire service discovery (<c>services:backend:http:0..n</c>), so the balancer
/// knows every backend the AppHost started before any of them registers, and again after a restart.
/// Standalone, when no such configuration exists, the registry is filled by registrations alone.
/// </summary>
internal sealed class ServiceDiscoverySeeder(
    ServiceEndpointResolver resolver,
    BackendRegistry registry,
    IConfiguration configuration,
    IOptions<BalancerOptions> options,
    TimeProvider time,
    ILogger<ServiceDiscoverySeeder> logger) : BackgroundService
{
    private readonly BalancerOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var serviceName = _options.DiscoveryServiceName;
        if (!configuration.GetSection($"services:{serviceName}").Exists())
        {
            Log.NoDiscovery(logger, serviceName);
            return;
        }

        using var timer = new PeriodicTimer(_options.DiscoveryRefreshInterval, time);
        do
        {
            try
            {
                var source = await resolver.GetEndpointsAsync($"http://{serviceName}", stoppingToken).ConfigureAwait(false);
                var addresses = source.Endpoints.Select(endpoint => ToAddress(endpoint.EndPoint)).OfType<Uri>().ToList();
                registry.SetDiscovered(addresses);
                Log.Discovered(logger, addresses.Count, serviceName);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.DiscoveryFailed(logger, serviceName, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static Uri? ToAddress(EndPoint endPoint)
    {
        var text = endPoint switch
        {
            UriEndPoint uri => uri.Uri.ToString(),
            DnsEndPoint dns => $"http://{dns.Host}:{dns.Port}",
            IPEndPoint ip => $"http://{ip}",
            _ => null,
        };
        return BackendAddress.TryNormalize(text, out var address) ? address : null;
    }
}
