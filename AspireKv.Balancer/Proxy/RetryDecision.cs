using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace AspireKv.Balancer.Proxy;

/// <summary>
/// Whether a request that failed on one backend may be sent to another. Pure, so every case is unit-tested.
/// </summary>
/// <remarks>
/// Any request may be retried if it never reached the backend: the connection could not be made and none of
/// its body was read. A read (GET, HEAD, OPTIONS) may also be retried after it reached a backend that then
/// failed, because reading twice changes nothing. A write that may have reached a backend is never retried:
/// it may have been committed, and the client must decide; unless it carries an <c>Idempotency-Key</c>, with which
/// the backends answer a repeat with the first write's result instead of writing again.
/// </remarks>
internal static class RetryDecision
{
    /// <param name="method">The request's method.</param>
    /// <param name="error">How forwarding failed.</param>
    /// <param name="exception">The transport exception, if any.</param>
    /// <param name="requestBodyStarted">Whether any of the request body was read (it cannot be sent again unless buffered).</param>
    /// <param name="replayableWrite">A write with an idempotency key whose body was buffered, so it can be sent again.</param>
    public static bool CanRetry(string method, ForwarderError error, Exception? exception, bool requestBodyStarted, bool replayableWrite = false)
    {
        if (error is not (ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.ResponseHeaders))
        {
            return false;
        }

        if (!requestBodyStarted && error == ForwarderError.Request && NeverConnected(exception))
        {
            return true;
        }

        return replayableWrite || IsRead(method);
    }

    /// <summary>Whether <paramref name="method"/> only reads (GET, HEAD, OPTIONS), so sending it twice changes nothing.</summary>
    public static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>
    /// Whether a request that failed this way may have been executed by the backend: anything but a connection that
    /// could not be made. For a write, whatever a later attempt answers, its outcome is then unknown unless that
    /// attempt settles it (an idempotent replay or a commit).
    /// </summary>
    public static bool MayHaveReachedBackend(ForwarderError error, Exception? exception) =>
        !(error == ForwarderError.Request && NeverConnected(exception));

    /// <summary>True when the failure happened while connecting, so the backend saw nothing of the request.</summary>
    public static bool NeverConnected(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
                || current is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
            {
                return true;
            }
        }

        return false;
    }
}
