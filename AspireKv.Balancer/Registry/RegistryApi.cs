using AspireKv.Balancer.Diagnostics;
using AspireKv.Balancer.Health;
using AspireKv.Balancer.Proxy;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Registry;

/// <summary>
/// The registration API: backends register and renew with <c>PUT /registry/{name}</c>, withdraw with
/// <c>DELETE</c>, and operators list what the balancer knows with <c>GET /registry</c>; every route needs the cluster secret.
/// </summary>
internal static class RegistryApi
{
    public static RouteGroupBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(KvRoutes.Registry).WithTags("Registry").RequireClusterSecret();
        group.MapGet("/", ListBackends).WithName(nameof(ListBackends));
        group.MapPut("/{name}", RegisterBackend).WithName(nameof(RegisterBackend));
        group.MapDelete("/{name}", DeregisterBackend).WithName(nameof(DeregisterBackend));
        return group;
    }

    public static IReadOnlyList<RegisteredBackend> ListBackends(
        BackendRegistry registry, IProxyStateLookup proxyState, BackendTrafficCounters counters, ProbeHistory probes, TimeProvider time)
    {
        var destinations = proxyState.TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster)
            ? cluster.Destinations
            : null;
        var now = time.GetUtcNow();
        return
        [
            .. registry.Snapshot().Select(entry =>
            {
                DestinationState? state = null;
                destinations?.TryGetValue(entry.Id, out state);
                var probe = probes.Last(entry.Id);
                return new RegisteredBackend(
                    entry.Id,
                    entry.Name,
                    entry.Address.ToString(),
                    entry.Discovered,
                    entry.Registered,
                    entry.RegisteredUntil is { } until ? Math.Max(0, (until - now).TotalSeconds) : null,
                    (state?.Health.Active ?? DestinationHealth.Unknown).ToString(),
                    (state?.Health.Passive ?? DestinationHealth.Unknown).ToString(),
                    state?.ConcurrentRequestCount ?? 0,
                    counters.ServedBy(entry.Id),
                    probe is null ? null : Math.Round((now - probe.At).TotalSeconds, 3),
                    probe?.Succeeded,
                    entry.Replication?.AppliedVersion,
                    registry.ReplicationLag(entry.Id),
                    entry.Replication?.Keys,
                    entry.Replication?.Redis);
            }),
        ];
    }

    public static Results<NoContent, ProblemHttpResult> RegisterBackend(
        string name, BackendRegistration registration, BackendRegistry registry, ILogger<BackendRegistry> logger)
    {
        if (registration.Name != name)
        {
            return Invalid($"The name in the body ('{registration.Name}') differs from the one in the path ('{name}').");
        }

        if (!BackendAddress.TryNormalize(registration.Address, out var address))
        {
            return Invalid($"'{registration.Address}' is not an absolute http(s) URL without path or query.");
        }

        if (registry.Register(name, address, registration.AppliedVersion, registration.HeadVersion, registration.Keys, registration.Redis))
        {
            Log.Registered(logger, name, address);
        }

        return TypedResults.NoContent();
    }

    public static Results<NoContent, ProblemHttpResult> DeregisterBackend(string name, BackendRegistry registry, ILogger<BackendRegistry> logger)
    {
        if (!registry.Deregister(name))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not registered", detail: $"No backend named '{name}' is registered.");
        }

        Log.Deregistered(logger, name);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid registration", detail: detail);
}
