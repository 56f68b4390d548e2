using AspireKv.Contracts;
using Scalar.AspNetCore;

namespace AspireKv.Backend.Api;

/// <summary>
/// The public API described as OpenAPI (<c>/openapi/v1.json</c>) with an interactive reference page
/// (<c>/scalar/v1</c>); the balancer forwards both, so clients find them where they find the API.
/// </summary>
internal static class ApiDescriptionExtensions
{
    public static IServiceCollection AddApiDescription(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "AspireKv";
            document.Info.Description =
                "A small replicated key-value store. Values are raw bytes; every answer carries X-Served-By and the key's version as an ETag. " +
                $"Conditional writes: If-Match / If-None-Match. Safe retries: {KvHeaders.IdempotencyKey}. " +
                $"Read consistency: {KvHeaders.Consistency} (local, session, strong) and {KvHeaders.MinVersion}. Changes: GET {KvRoutes.Watch} (Server-Sent Events).";
            return Task.CompletedTask;
        }));

    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(KvRoutes.OpenApiDocument);
        app.MapScalarApiReference(KvRoutes.ApiReferencePrefix, options => options.WithTitle("AspireKv API"));
        return app;
    }
}
