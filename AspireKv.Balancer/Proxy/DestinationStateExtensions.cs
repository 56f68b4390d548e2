using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Proxy;

/// <summary>What the balancer reads off a YARP destination: the backend's name and whether it gets traffic.</summary>
internal static class DestinationStateExtensions
{
    /// <summary>The name a backend registered with, or its address when it has not registered.</summary>
    public static string BackendName(this DestinationState destination) =>
        destination.Model.Config.Metadata?.GetValueOrDefault(ProxyConfigFactory.NameMetadata) ?? destination.Model.Config.Address;

    /// <summary>True unless the active or the passive health check has taken the backend out of rotation.</summary>
    public static bool IsAvailable(this DestinationState destination) =>
        destination.Health.Active != DestinationHealth.Unhealthy && destination.Health.Passive != DestinationHealth.Unhealthy;
}
