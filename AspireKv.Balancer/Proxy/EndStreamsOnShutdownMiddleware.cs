namespace AspireKv.Balancer.Proxy;

/// <summary>
/// Ends proxied watch streams when the balancer stops. A watch never finishes by itself and a graceful shutdown
/// waits for open requests, so without this a balancer with one watcher takes the whole shutdown timeout to stop
/// (and an orchestrator's stop times out). Watch clients reconnect with <c>Last-Event-ID</c> and miss nothing.
/// </summary>
internal sealed class EndStreamsOnShutdownMiddleware(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetReverseProxyFeature().Route.Config.RouteId != ProxyConfigFactory.WatchRouteId)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        using var registration = lifetime.ApplicationStopping.Register(static state => ((HttpContext)state!).Abort(), context);
        await next(context).ConfigureAwait(false);
    }
}
