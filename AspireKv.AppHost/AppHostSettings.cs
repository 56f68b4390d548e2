using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AspireKv.AppHost;

/// <summary>The AppHost's own settings, read once before any resource is added.</summary>
/// <param name="RedisMode">Which server to start (auto already resolved).</param>
/// <param name="RedisTopology">One server, or a primary with replicas and Sentinels (auto already resolved).</param>
/// <param name="DataDirectory">Where Garnet or redis-server keep their files, so data survives a restart.</param>
/// <param name="Backends">How many backends to start.</param>
/// <param name="FixedPorts">Use the classic ports (balancer 4000, backends 5001…); tests turn this off to run beside a dev instance.</param>
/// <param name="BalancerPort">The balancer's port when ports are fixed.</param>
/// <param name="FirstBackendPort">backend-1's port when ports are fixed; the others follow.</param>
/// <param name="WithClient">Whether to start the web client (tests that do not use it save a process).</param>
/// <param name="StandbyBackends">Extra backends declared but not started: start one from the dashboard to watch a new backend join.</param>
internal sealed record AppHostSettings(
    RedisMode RedisMode,
    RedisTopology RedisTopology,
    string DataDirectory,
    int Backends,
    bool FixedPorts,
    int BalancerPort,
    int FirstBackendPort,
    bool WithClient,
    int StandbyBackends)
{
    public static AppHostSettings From(IConfiguration configuration, string appHostDirectory)
    {
        var modeText = configuration["Redis:Mode"] ?? "auto";
        var mode = modeText.Replace("-", string.Empty, StringComparison.Ordinal) is var normalized
            && Enum.TryParse<RedisMode>(normalized, ignoreCase: true, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"Redis:Mode '{modeText}' is not one of auto, container, garnet, redis-server.");
        var topologyText = configuration["Redis:Topology"] ?? "auto";
        var topology = Enum.TryParse<RedisTopology>(topologyText, ignoreCase: true, out var parsedTopology) && Enum.IsDefined(parsedTopology)
            ? parsedTopology
            : throw new InvalidOperationException($"Redis:Topology '{topologyText}' is not one of auto, single, replicated.");
        if (topology == RedisTopology.Auto)
        {
            topology = RedisTopology.Single;
        }

        if (mode == RedisMode.Auto)
        {
            // Replicas and Sentinels are run from Debian's packages; the other modes run one server.
            mode = topology == RedisTopology.Replicated ? RedisMode.RedisServer
                : ContainerRuntimeProbe.IsRunning() ? RedisMode.Container
                : RedisMode.Garnet;
        }

        if (topology == RedisTopology.Replicated && mode != RedisMode.RedisServer)
        {
            throw new InvalidOperationException(
                $"Redis:Topology=replicated runs redis-server and redis-sentinel; Redis:Mode={modeText} is not supported with it "
                + "(Garnet has no Sentinel and no WAIT; the container mode runs one server).");
        }

        var backends = configuration.GetValue("AspireKv:Backends", 3);
        if (backends is < 1 or > 16)
        {
            throw new InvalidOperationException($"AspireKv:Backends must be between 1 and 16, not {backends.ToString(CultureInfo.InvariantCulture)}.");
        }

        return new AppHostSettings(
            mode,
            topology,
            configuration["Redis:DataDirectory"] is { Length: > 0 } directory
                ? Path.GetFullPath(directory)
                : Path.Combine(appHostDirectory, ".data"),
            backends,
            configuration.GetValue("AspireKv:FixedPorts", true),
            configuration.GetValue("AspireKv:BalancerPort", 4000),
            configuration.GetValue("AspireKv:FirstBackendPort", 5001),
            configuration.GetValue("AspireKv:Client", true),
            Math.Clamp(configuration.GetValue("AspireKv:StandbyBackends", 0), 0, 8));
    }
}
