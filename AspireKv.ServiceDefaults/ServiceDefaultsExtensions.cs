using AspireKv.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every AspireKv service shares: OpenTelemetry to the dashboard, health endpoints, service discovery
/// and resilient outgoing HTTP. Follows the Aspire ServiceDefaults template, except that the health
/// endpoints are mapped in every environment because the balancer depends on them.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Adds telemetry, default health checks, service discovery and resilient HTTP clients.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        // Kestrel's limits (body and header sizes, header timeout) from the Kestrel:Limits section.
        builder.Services.Configure<KestrelServerOptions>(kestrel => builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits));
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Logs, metrics and traces over OTLP, when an endpoint is configured (the AppHost sets the dashboard's).
    /// Without one nothing is collected: telemetry that nobody receives cost the balancer about a fifth of its CPU
    /// per request and a thousand bytes of allocations (docs/performance.md).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (!builder.Configuration.ExportsTelemetry())
        {
            // Nor a span per outgoing request, made only to carry trace headers nobody collects. (ASP.NET Core makes
            // a request's activity only for listeners and for the Hosting.Diagnostics logger, off in appsettings.)
            AppContext.SetSwitch("System.Net.Http.EnableActivityPropagation", false);
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryNames.All))
            .WithTracing(tracing => tracing
                .AddProcessor(new UnparentedRedisSpanFilter())
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryNames.All)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                    aspNetCore.Filter = context => !IsHeartbeat(context.Request.Path))
                .AddHttpClientInstrumentation(http =>
                    http.FilterHttpRequestMessage = request => !IsHeartbeat(request.RequestUri?.AbsolutePath)))
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>Whether an OTLP endpoint is configured, so that telemetry has somewhere to go.</summary>
    public static bool ExportsTelemetry(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>Adds a liveness check that only says the process answers.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <see cref="HealthRoutes.Readiness"/> (all checks) and <see cref="HealthRoutes.Liveness"/>
    /// (live checks only). Both are mapped in every environment: the balancer's active health checks need them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthRoutes.Readiness);
        app.MapHealthChecks(HealthRoutes.Liveness, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthEndpoints.LiveTag),
        });
        return app;
    }

    // Health probes (every second per backend) and registration renewals (every two seconds per backend)
    // are heartbeats: a trace for each would bury the requests worth looking at in the dashboard.
    private static bool IsHeartbeat(PathString path) =>
        path.StartsWithSegments(HealthRoutes.Readiness)
        || path.StartsWithSegments(HealthRoutes.Liveness)
        || path.StartsWithSegments(KvRoutes.Registry);

    private static bool IsHeartbeat(string? path) =>
        path is not null && IsHeartbeat(new PathString(path));
}
