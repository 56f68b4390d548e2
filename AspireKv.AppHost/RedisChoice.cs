namespace AspireKv.AppHost;

/// <summary>
/// The Redis server and topology a run uses, and why: <c>Redis:Mode</c> and <c>Redis:Topology</c> with <c>auto</c>
/// resolved against what this machine has. Pure: the machine is asked through the two probes, and only when a
/// setting is <c>auto</c>.
/// </summary>
/// <param name="Mode">The server (never <see cref="RedisMode.Auto"/>).</param>
/// <param name="Topology">One server or replicated (never <see cref="RedisTopology.Auto"/>).</param>
/// <param name="Reason">Why, in a sentence for the console and the dashboard.</param>
internal sealed record RedisChoice(RedisMode Mode, RedisTopology Topology, string Reason)
{
    /// <summary>The Debian packages the redis-server modes run.</summary>
    public static readonly IReadOnlyList<string> RedisServerExecutables = ["redis-server", "redis-sentinel"];

    /// <summary>Resolves the two settings.</summary>
    /// <param name="mode">The parsed <c>Redis:Mode</c>.</param>
    /// <param name="topology">The parsed <c>Redis:Topology</c>.</param>
    /// <param name="containerRuntimeRunning">Whether Docker or Podman answers (slow: asked at most once).</param>
    /// <param name="redisServerInstalled">Whether <c>redis-server</c> and <c>redis-sentinel</c> are on the PATH.</param>
    public static RedisChoice Resolve(RedisMode mode, RedisTopology topology, Func<bool> containerRuntimeRunning, Func<bool> redisServerInstalled)
    {
        ArgumentNullException.ThrowIfNull(containerRuntimeRunning);
        ArgumentNullException.ThrowIfNull(redisServerInstalled);
        var installed = new Lazy<bool>(redisServerInstalled);
        string modeReason;
        if (mode != RedisMode.Auto)
        {
            modeReason = "set";
        }
        else if (topology == RedisTopology.Replicated)
        {
            // Replicas and Sentinels are run from Debian's packages only.
            mode = RedisMode.RedisServer;
            modeReason = "auto: the replicated topology runs redis-server";
        }
        else if (containerRuntimeRunning())
        {
            mode = RedisMode.Container;
            modeReason = "auto: a container runtime answered";
        }
        else if (installed.Value)
        {
            mode = RedisMode.RedisServer;
            modeReason = "auto: no container runtime answered, redis-server and redis-sentinel are installed";
        }
        else
        {
            mode = RedisMode.Garnet;
            modeReason = "auto: no container runtime answered, redis-server or redis-sentinel is not installed";
        }

        string topologyReason;
        if (topology != RedisTopology.Auto)
        {
            topologyReason = "set";
        }
        else if (mode == RedisMode.RedisServer && installed.Value)
        {
            topology = RedisTopology.Replicated;
            topologyReason = "auto: redis-server and redis-sentinel run a primary, two replicas and three Sentinels";
        }
        else
        {
            topology = RedisTopology.Single;
            topologyReason = mode switch
            {
                RedisMode.Garnet => "auto: Garnet has no Sentinel, no WAIT and no failover",
                RedisMode.Container => "auto: the container mode runs one server",
                _ => "auto: redis-sentinel is not installed",
            };
        }

        if (topology == RedisTopology.Replicated && mode != RedisMode.RedisServer)
        {
            throw new InvalidOperationException(
                $"Redis:Topology=replicated runs redis-server and redis-sentinel; Redis:Mode={Name(mode)} is not supported with it "
                + "(Garnet has no Sentinel and no WAIT; the container mode runs one server).");
        }

        return new RedisChoice(mode, topology, $"Redis:Mode {modeReason}; Redis:Topology {topologyReason}");
    }

    /// <summary>The mode as the setting spells it.</summary>
    public static string Name(RedisMode mode) => mode == RedisMode.RedisServer ? "redis-server" : mode.ToString().ToLowerInvariant();

    /// <summary>One line for the console and the dashboard, such as <c>redis-server, replicated (Redis:Mode auto: …)</c>.</summary>
    public override string ToString() => $"{Name(Mode)}, {Topology.ToString().ToLowerInvariant()} ({Reason})";
}
