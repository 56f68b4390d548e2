using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

// The floor under our balancer: YARP forwarding every request round robin to the backends given in BACKENDS
// (comma-separated URLs), with no health checks, retries, rate limiting, registry, telemetry or logging. The
// socket settings are the balancer's (inline scheduling here, inline completions from the environment).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.Configure<SocketTransportOptions>(sockets => sockets.UnsafePreferInlineScheduling = true);

var backends = (builder.Configuration["BACKENDS"] ?? throw new InvalidOperationException("Set BACKENDS to the backends' URLs, comma-separated."))
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var destinations = backends
    .Select((address, index) => (Id: $"backend-{index + 1}", Config: new DestinationConfig { Address = address }))
    .ToDictionary(destination => destination.Id, destination => destination.Config);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backends", Match = new RouteMatch { Path = "/{**rest}" } }],
    [new ClusterConfig { ClusterId = "backends", LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin, Destinations = destinations }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
