namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The cluster's shared secret (configuration section <c>Cluster</c>). It protects everything that reads or
/// changes cluster state: the balancer's registry and the backends' <c>/admin</c> endpoints.
/// </summary>
public sealed class ClusterSecurityOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// Presented as <c>Authorization: Bearer &lt;secret&gt;</c>. The AppHost generates one on every run; standalone it
    /// comes from configuration (appsettings.Development.json holds a development-only one).
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Starts without a secret, leaving the protected endpoints open. Only for experiments on a private machine;
    /// a service refuses to start without a secret unless this is set.
    /// </summary>
    public bool AllowInsecureDevelopment { get; set; }
}
