using AspireKv.Backend.Api;

namespace AspireKv.Backend;

/// <summary>
/// The backend's request pipeline and endpoints, shared by the program and the in-process test host so that
/// both serve the same set.
/// </summary>
internal static class BackendPipeline
{
    public static WebApplication UseKeyValueBackend(this WebApplication app)
    {
        app.UseServedByHeader();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapKeyValueBackend(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapKeyValueApi();
        app.MapWatchApi();
        app.MapAdminApi();
        app.MapApiDescription();
        return app;
    }
}
