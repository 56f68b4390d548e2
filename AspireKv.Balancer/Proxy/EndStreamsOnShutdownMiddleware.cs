namespace AspireKv.Balancer.Proxy;

/// <summary>
/// Ends proxied watch streams when the balancer stops. A watch never finishes by itself and a graceful shutdown
/// waits for open requests, so without this a balancer with one watcher takes the whole shutdown timeout to stop
/// (and an orchestrator's stop times out). Watch clients reconnect with <c>Last-Event-ID</c> and miss nothing.
/// </summary>
internal sealed class EndStreamsOnShutdownMiddleware(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    // Not async for the other routes: no state machine on every request for the sake of the watches.
    public Task InvokeAsync(HttpContext context) =>
        context.GetReverseProxyFeature().Route.Config.RouteId == ProxyConfigFactory.WatchRouteId ? ProxyWatchAsync(context) : next(context);

    private async Task ProxyWatchAsync(HttpContext context)
    {
        using var registration = lifetime.ApplicationStopping.Register(static state => ((HttpContext)state!).Abort(), context);
        await next(context).ConfigureAwait(false);
    }
}
