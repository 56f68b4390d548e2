using AspireKv.Client.Components;

namespace AspireKv.Client;

/// <summary>The web client's request pipeline: error pages, antiforgery, static assets and the Razor components.</summary>
internal static class ClientPipeline
{
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
