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

/// <summary>Registers the services the balancer is made of; <see cref="BalancerPipeline"/> builds its request pipeline.</summary>
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
}
