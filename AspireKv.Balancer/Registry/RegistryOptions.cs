namespace AspireKv.Balancer.Registry;

/// <summary>The registry's settings (configuration section <c>Registry</c>).</summary>
internal sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>
    /// The shared secret backends present as <c>Authorization: Bearer &lt;secret&gt;</c> to register, renew,
    /// deregister and list. The AppHost generates it as a secret parameter; standalone it comes from configuration
    /// (appsettings.Development.json has a development-only one). Without it every registry call is refused.
    /// </summary>
    public string? Secret { get; set; }
}
