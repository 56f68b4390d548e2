using AspireKv.Balancer.Proxy;
using AspireKv.Balancer.Registry;

namespace AspireKv.Balancer;

/// <summary>The balancer's request pipeline: error pages, rate limiting, the registry and the proxy.</summary>
internal static class BalancerPipeline
{
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
