using System.ComponentModel.DataAnnotations;

namespace AspireKv.GarnetHost;

/// <summary>How the embedded server runs (configuration section <c>Garnet</c>).</summary>
internal sealed class GarnetHostOptions
{
    public const string SectionName = "Garnet";

    /// <summary>The port to listen on. The AppHost sets it through <c>GARNET_PORT</c>.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 6379;

    /// <summary>The address to bind; loopback only, since the cluster runs on one machine.</summary>
    [Required]
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Where the append-only file and checkpoints live; empty keeps everything in memory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The password clients must send (Redis <c>AUTH</c>); empty allows anyone who can connect.</summary>
    public string? Password { get; set; }

    /// <summary>How often the append-only file is flushed to disk, in ms (1000: like Redis' <c>appendfsync everysec</c>).</summary>
    [Range(0, 60_000)]
    public int AofCommitFrequencyMs { get; set; } = 1_000;

    /// <summary>
    /// Whether a write is answered only after the append-only file holding it was committed (with a commit
    /// frequency of 0: like Redis' <c>appendfsync always</c>, at a cost per write). Off by default, as the AppHost runs it.
    /// </summary>
    public bool AofCommitWait { get; set; }
}
