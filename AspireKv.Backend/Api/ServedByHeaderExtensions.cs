using AspireKv.Contracts;
using AspireKv.Backend.Node;

namespace AspireKv.Backend.Api;

/// <summary>Stamps every response with the name of the backend that produced it.</summary>
internal static class ServedByHeaderExtensions
{
    /// <summary>Adds <see cref="KvHeaders.ServedBy"/> to every response, errors included.</summary>
    public static IApplicationBuilder UseServedByHeader(this IApplicationBuilder app)
    {
        var name = app.ApplicationServices.GetRequiredService<NodeIdentity>().Name;
        return app.Use((context, next) =>
        {
            context.Response.Headers[KvHeaders.ServedBy] = name;
            return next(context);
        });
    }
}
