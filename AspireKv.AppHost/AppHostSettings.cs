using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AspireKv.AppHost;

/// <summary>The AppHost's own settings, read once before any resource is added.</summary>
/// <param name="Redis">Which server to start, one or replicated, and why (auto already resolved).</param>
/// <param name="DataDirectory">Where Garnet or redis-server keep their files, so data survives a restart.</param>
/// <param name="Backends">How many backends to start.</param>
/// <param name="FixedPorts">Use the classic ports (balancer 4000, backends 5001…); tests turn this off to run beside a dev instance.</param>
/// <param name="BalancerPort">The balancer's port when ports are fixed.</param>
/// <param name="FirstBackendPort">backend-1's port when ports are fixed; the others follow.</param>
/// <param name="WithClient">Whether to start the web client (tests that do not use it save a process).</param>
/// <param name="StandbyBackends">Extra backends declared but not started: start one from the dashboard to watch a new backend join.</param>
internal sealed record AppHostSettings(
    RedisChoice Redis,
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
            && Enum.TryParse<RedisMode>(normalized, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidOperationException($"Redis:Mode '{modeText}' is not one of auto, container, garnet, redis-server.");
        var topologyText = configuration["Redis:Topology"] ?? "auto";
        var topology = Enum.TryParse<RedisTopology>(topologyText, ignoreCase: true, out var parsedTopology) && Enum.IsDefined(parsedTopology)
            ? parsedTopology
            : throw new InvalidOperationException($"Redis:Topology '{topologyText}' is not one of auto, single, replicated.");
        var redis = RedisChoice.Resolve(
            mode,
            topology,
            ContainerRuntimeProbe.IsRunning,
            () => RedisChoice.RedisServerExecutables.All(ExecutableSearch.OnPath));

        var backends = configuration.GetValue("AspireKv:Backends", 3);
        if (backends is < 1 or > 16)
        {
            throw new InvalidOperationException($"AspireKv:Backends must be between 1 and 16, not {backends.ToString(CultureInfo.InvariantCulture)}.");
        }

        return new AppHostSettings(
            redis,
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
