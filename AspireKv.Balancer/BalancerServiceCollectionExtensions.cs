using AspireKv.Balancer.Diagnostics;
using AspireKv.Balancer.Health;
using AspireKv.Balancer.LoadBalancing;
using AspireKv.Balancer.Proxy;
using AspireKv.Balancer.Registry;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace AspireKv.Balancer;

/// <summary>Registers everything the balancer is made of.</summary>
internal static class BalancerServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddBalancer(this IHostApplicationBuilder builder)
    {
        builder.AddClusterSecurity();
        var services = builder.Services;
        services.AddOptions<BalancerOptions>().BindConfiguration(BalancerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SocketTransportOptions>().Configure<IOptions<BalancerOptions>>(
            (sockets, balancer) => sockets.UnsafePreferInlineScheduling = balancer.Value.InlineScheduling);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BackendRegistry>();
        services.AddSingleton<BackendTrafficCounters>();
        services.AddSingleton<BalancerMetrics>();
        services.AddHostedService<ServiceDiscoverySeeder>();
        services.AddHostedService<RegistryMaintenanceService>();
        services.AddHostedService<RegistryConfigPublisher>();

        // The registry publishes the destinations; the configuration starts empty.
        services.AddReverseProxy().LoadFromMemory(ProxyConfigFactory.Routes, [])
            .AddTransforms(transforms => transforms.AddResponseTransform(AnotherBackendAnswer.HoldBackAsync));
        services.AddSingleton<IPassiveHealthCheckPolicy, FirstFailureHealthPolicy>();
        services.AddSingleton<ProbeHistory>();
        services.AddSingleton<IActiveHealthCheckPolicy, ConsecutiveFailuresActiveHealthPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, LagAwareLoadBalancingPolicy>();

        services.AddClientRateLimiting();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default));
        return builder;
    }

    public static WebApplication MapBalancer(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapRegistryApi();
        app.MapReverseProxy(proxy =>
        {
            // Retry wraps load balancing, so each attempt picks among the backends not tried yet.
            proxy.UseMiddleware<EndStreamsOnShutdownMiddleware>();
            proxy.UseMiddleware<RetryOnAnotherBackendMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        }).RequireRateLimiting(ClientRateLimiting.PolicyName);
        return app;
    }
}
