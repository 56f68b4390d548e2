namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Names of AspireKv's own activity sources and meters. Each service names its source
/// <c>AspireKv.{Service}</c>; the wildcard makes OpenTelemetry collect all of them.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The common prefix of every AspireKv activity source and meter.</summary>
    public const string Prefix = "AspireKv";

    /// <summary>Wildcard that OpenTelemetry expands to every AspireKv source and meter.</summary>
    public const string All = Prefix + ".*";
}
