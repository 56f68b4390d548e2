using AspireKv.ApiClient;

namespace AspireKv.Client;

/// <summary>Registers the web client's services; <see cref="ClientPipeline"/> builds its request pipeline.</summary>
internal static class ClientServiceCollectionExtensions
{
    /// <summary>The balancer, by its service-discovery name (Aspire sets it; standalone, appsettings.json points at localhost:4000).</summary>
    private static readonly Uri BalancerAddress = new("http://balancer");

    public static IHostApplicationBuilder AddKeyValueClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddHttpClient<KeyValueApiClient>(http => http.BaseAddress = BalancerAddress);
        // The registry needs the cluster secret: the AppHost passes it (Cluster:Secret), standalone appsettings.Development.json has one.
        var clusterSecret = builder.Configuration["Cluster:Secret"];
        builder.Services.AddHttpClient<ClusterStatusClient>(http =>
        {
            http.BaseAddress = BalancerAddress;
            if (!string.IsNullOrEmpty(clusterSecret))
            {
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", clusterSecret);
            }
        });
        return builder;
    }
}
