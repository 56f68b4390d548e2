using Microsoft.Extensions.Options;

namespace AspireKv.Balancer.Registry;

/// <summary>Refuses registry calls without the shared secret with 401, before they change anything.</summary>
internal sealed class RegistrySecretFilter(IOptions<RegistryOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (SharedSecret.Matches(options.Value.Secret, context.HttpContext.Request.Headers.Authorization))
        {
            return await next(context).ConfigureAwait(false);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Registry secret required",
            detail: "The registry accepts only calls with 'Authorization: Bearer <secret>' carrying the cluster's registry secret.");
    }
}
