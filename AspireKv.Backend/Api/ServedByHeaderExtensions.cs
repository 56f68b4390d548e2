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
            // Set when the headers go out, not now: the exception handler clears the headers of a failed request
            // before it writes its 500, and that answer too must say which backend gave it.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[KvHeaders.ServedBy] = name;
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
