using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers and applies the cluster secret.</summary>
public static class ClusterSecurityExtensions
{
    /// <summary>
    /// Binds <see cref="ClusterSecurityOptions"/> and refuses to start without a secret unless
    /// <see cref="ClusterSecurityOptions.AllowInsecureDevelopment"/> is set.
    /// </summary>
    public static TBuilder AddClusterSecurity<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ClusterSecurityOptions>()
            .BindConfiguration(ClusterSecurityOptions.SectionName)
            .Validate(
                options => !string.IsNullOrEmpty(options.Secret) || options.AllowInsecureDevelopment,
                "Cluster:Secret is not set. Set it (the AppHost does), or set Cluster:AllowInsecureDevelopment=true to run with the admin and registry endpoints open.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ClusterSecretFilter>();
        return builder;
    }

    /// <summary>Lets only callers with the cluster secret through.</summary>
    public static TEndpoints RequireClusterSecret<TEndpoints>(this TEndpoints endpoints)
        where TEndpoints : IEndpointConventionBuilder =>
        endpoints.AddEndpointFilter<TEndpoints, ClusterSecretFilter>();
}
