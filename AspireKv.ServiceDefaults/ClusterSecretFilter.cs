using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Refuses calls without the cluster secret with 401 and a ProblemDetails, before the endpoint runs.</summary>
public sealed class ClusterSecretFilter(IOptions<ClusterSecurityOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var settings = options.Value;
        var open = string.IsNullOrEmpty(settings.Secret) && settings.AllowInsecureDevelopment;
        if (open || SharedSecret.Matches(settings.Secret, context.HttpContext.Request.Headers.Authorization))
        {
            return await next(context).ConfigureAwait(false);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Cluster secret required",
            detail: "This endpoint reads or changes cluster state; it accepts only calls with 'Authorization: Bearer <secret>' carrying the cluster's secret.");
    }
}
