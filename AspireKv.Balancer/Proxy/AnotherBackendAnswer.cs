using AspireKv.Contracts;
using Yarp.ReverseProxy.Transforms;

namespace AspireKv.Balancer.Proxy;

/// <summary>
/// A backend's 503, which says that this attempt wrote nothing. When it also says another backend may answer
/// (<see cref="KvHeaders.TryAnotherBackend"/>: it is behind, or cut off from Redis) and
/// <see cref="RetryOnAnotherBackendMiddleware"/> has said that another attempt is possible, this response transform
/// holds the answer's body back, so that the response has not started and the middleware can send the request to
/// another backend instead. It holds back any 503 of a write after an earlier attempt that may have written: that
/// answer speaks only of its own attempt, and passed on it would tell the client that nothing was written. Otherwise
/// the answer goes to the client as is.
/// </summary>
internal static class AnotherBackendAnswer
{
    private static readonly object AttemptKey = new();
    private static readonly object HeldBackKey = new();

    /// <summary>Set by the middleware before each attempt.</summary>
    /// <param name="context">The request.</param>
    /// <param name="mayRetry">Whether the request can go to another backend after this attempt.</param>
    /// <param name="earlierAttemptMayHaveWritten">Whether an earlier attempt of this write may have been committed.</param>
    public static void SetAttempt(HttpContext context, bool mayRetry, bool earlierAttemptMayHaveWritten = false) =>
        context.Items[AttemptKey] = (mayRetry, earlierAttemptMayHaveWritten);

    /// <summary>
    /// True (once) when the last attempt's answer was held back; <paramref name="invitesRetry"/> says whether it was for
    /// a retry elsewhere (else it was a 503 after an attempt that may have written).
    /// </summary>
    public static bool TakeHeldBack(HttpContext context, out bool invitesRetry)
    {
        invitesRetry = context.Items.TryGetValue(HeldBackKey, out var value) && value is true;
        return context.Items.Remove(HeldBackKey);
    }

    public static ValueTask HoldBackAsync(ResponseTransformContext transform)
    {
        var context = transform.HttpContext;
        if (transform.ProxyResponse is { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable } response
            && context.Items.TryGetValue(AttemptKey, out var value) && value is (bool mayRetry, bool earlierMayHaveWritten))
        {
            var retry = mayRetry && response.Headers.Contains(KvHeaders.TryAnotherBackend);
            if (retry || earlierMayHaveWritten)
            {
                transform.SuppressResponseBody = true;
                context.Items[HeldBackKey] = retry;
            }
        }

        return ValueTask.CompletedTask;
    }
}
