using AspireKv.Contracts;
using Yarp.ReverseProxy.Transforms;

namespace AspireKv.Balancer.Proxy;

/// <summary>
/// A backend's 503 that says another backend may answer (<see cref="KvHeaders.TryAnotherBackend"/>: it is behind, or
/// cut off from Redis, and wrote nothing). When <see cref="RetryOnAnotherBackendMiddleware"/> has said that another
/// attempt is possible, this response transform holds the answer's body back, so that the response has not started
/// and the middleware can send the request to another backend instead; otherwise the answer goes to the client as is.
/// </summary>
internal static class AnotherBackendAnswer
{
    private static readonly object MayRetryKey = new();
    private static readonly object HeldBackKey = new();

    /// <summary>Set by the middleware before each attempt.</summary>
    public static void SetMayRetry(HttpContext context, bool mayRetry) => context.Items[MayRetryKey] = mayRetry;

    /// <summary>True (once) when the last attempt's answer was held back for a retry elsewhere.</summary>
    public static bool TakeHeldBack(HttpContext context) => context.Items.Remove(HeldBackKey);

    public static ValueTask HoldBackAsync(ResponseTransformContext transform)
    {
        var context = transform.HttpContext;
        if (transform.ProxyResponse is { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable } response
            && response.Headers.Contains(KvHeaders.TryAnotherBackend)
            && context.Items.TryGetValue(MayRetryKey, out var mayRetry) && mayRetry is true)
        {
            transform.SuppressResponseBody = true;
            context.Items[HeldBackKey] = true;
        }

        return ValueTask.CompletedTask;
    }
}
