namespace AspireKv.Backend.Node;

/// <summary>Who this backend is (configuration section <c>Node</c>).</summary>
internal sealed class NodeOptions
{
    public const string SectionName = "Node";

    /// <summary>
    /// The name in <c>X-Served-By</c>, logs and the balancer's registry. The AppHost sets <c>backend-1</c> and
    /// so on; standalone it defaults to <c>backend-{port}</c>.
    /// </summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// The base URL others reach this backend at. The AppHost sets it; standalone it is derived from the
    /// address Kestrel listens on.
    /// </summary>
    public Uri? PublicUrl { get; set; }
}
