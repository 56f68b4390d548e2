using AspireKv.Client.Components;
using AspireKv.ApiClient;

namespace AspireKv.Client;

/// <summary>Registers and maps the web client.</summary>
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

    public static WebApplication MapKeyValueClient(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
