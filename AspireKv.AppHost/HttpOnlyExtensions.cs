namespace AspireKv.AppHost;

/// <summary>Everything runs over http on purpose, so that no machine needs a trusted development certificate.</summary>
internal static class HttpOnlyExtensions
{
    /// <summary>
    /// Tells Aspire that no project serves https. Aspire otherwise offers every project the development certificate
    /// and, finding none trusted, opens the dashboard with an error on every page about a certificate nothing uses.
    /// Call it after every resource is added.
    /// </summary>
    public static IDistributedApplicationBuilder WithoutHttpsCertificates(this IDistributedApplicationBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
#pragma warning disable ASPIRECERTIFICATES001 // evaluation API: the only switch for this check
            builder.CreateResourceBuilder(project).WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
        }

        return builder;
    }
}
