using System.Diagnostics;
using AspireKv.Balancer.Diagnostics;
using AspireKv.Contracts;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Proxy;

/// <summary>
/// Runs in YARP's pipeline in front of load balancing: when a request could not be served by the backend
/// it was sent to and <see cref="RetryDecision"/> says it is safe, it is sent to the next available backend
/// at once, so a backend that just died costs the client nothing. So is a request that a backend refused
/// with "try another backend" (<see cref="AnotherBackendAnswer"/>): a lagging or cut-off backend costs nothing either. Also names the chosen backend and the
/// attempt count on the request's span, and answers with a ProblemDetails when no backend can serve.
/// </summary>
internal sealed class RetryOnAnotherBackendMiddleware(
    RequestDelegate next,
    IOptions<BalancerOptions> options,
    BackendTrafficCounters counters,
    BalancerMetrics metrics,
    IProblemDetailsService problemDetails)
{
    private readonly int _maxAttempts = options.Value.MaxAttempts;

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        // A write with an idempotency key may be sent to a second backend even after the first read its body,
        // so its body is kept; any other body is only watched, so that an unread one can still be retried.
        var replayable = IsReplayableWrite(context.Request);
        if (replayable)
        {
            context.Request.EnableBuffering(bufferThreshold: MaxBufferedBodyBytes);
        }

        var body = replayable ? null : TrackBody(context.Request);
        var candidates = proxy.AvailableDestinations;
        List<DestinationState>? tried = null;
        var isRead = RetryDecision.IsRead(context.Request.Method);
        var mayHaveWritten = false;
        for (var attempt = 1; ; attempt++)
        {
            if (candidates.Count == 0)
            {
                await (mayHaveWritten ? WriteOutcomeUnknownAsync(context, tried!.Count) : WriteNoBackendAsync(context, tried?.Count ?? 0)).ConfigureAwait(false);
                return;
            }

            proxy.AvailableDestinations = candidates;
            // A backend that answers "try another backend" wrote nothing; a read, or a write whose body is kept,
            // can go to the next one if there is a next one.
            var mayRetry = (replayable || isRead) && attempt < _maxAttempts && candidates.Count > 1;
            AnotherBackendAnswer.SetAttempt(context, mayRetry, mayHaveWritten);
            await next(context).ConfigureAwait(false);

            var destination = proxy.ProxiedDestination;
            var failure = context.GetForwarderErrorFeature();
            Tag(destination, attempt);
            if (AnotherBackendAnswer.TakeHeldBack(context, out var invitesRetry) && destination is not null)
            {
                metrics.Failed(destination.BackendName(), "TryAnotherBackend");
                if (!invitesRetry)
                {
                    await WriteOutcomeUnknownAsync(context, attempt).ConfigureAwait(false);
                    return;
                }
            }
            else if (failure is null || destination is null)
            {
                if (destination is not null)
                {
                    counters.Served(destination.DestinationId);
                    metrics.Forwarded(destination.BackendName(), attempt);
                }

                return;
            }
            else
            {
                metrics.Failed(destination.BackendName(), failure.Error.ToString());
                var retry = attempt < _maxAttempts
                    && !context.Response.HasStarted
                    && !context.RequestAborted.IsCancellationRequested
                    && RetryDecision.CanRetry(context.Request.Method, failure.Error, failure.Exception, body?.Started ?? false, replayable);
                if (!retry)
                {
                    await WriteFailureAsync(context, destination, failure).ConfigureAwait(false);
                    return;
                }

                mayHaveWritten |= !isRead && RetryDecision.MayHaveReachedBackend(failure.Error, failure.Exception);
            }

            tried ??= [];
            tried.Add(destination);
            candidates = [.. proxy.AllDestinations.Where(d => !tried.Contains(d) && d.IsAvailable())];

            // Undo what the failed attempt left behind, so the next one starts clean.
            if (replayable)
            {
                context.Request.Body.Position = 0;
            }

            context.Features.Set<IForwarderErrorFeature>(null);
            proxy.ProxiedDestination = null;
            context.Response.Clear();
        }
    }

    // A body larger than the backends accept by default is not worth keeping for a retry; one byte more lets the
    // backend, not the balancer, answer 413 for it.
    private const int MaxBufferedBodyBytes = KvLimits.DefaultMaxValueBytes + 1;

    private static bool IsReplayableWrite(HttpRequest request) =>
        request.Headers.ContainsKey(KvHeaders.IdempotencyKey) && request.ContentLength is null or <= MaxBufferedBodyBytes;

    private static ReadTrackingStream? TrackBody(HttpRequest request)
    {
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return null;
        }

        var tracked = new ReadTrackingStream(request.Body);
        request.Body = tracked;
        return tracked;
    }

    private static void Tag(DestinationState? destination, int attempt)
    {
        var activity = Activity.Current;
        // Only on a span that is recorded: a request's activity can exist for log scopes alone.
        if (activity is not { IsAllDataRequested: true, Recorded: true })
        {
            return;
        }

        activity.SetTag("aspirekv.backend", destination is null ? null : destination.BackendName());
        activity.SetTag("aspirekv.attempts", attempt);
    }

    private async Task WriteNoBackendAsync(HttpContext context, int tried)
    {
        metrics.NoBackend();
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "No backend available",
                Detail = tried == 0
                    ? "Every backend is down or still catching up; the balancer has nowhere to send the request."
                    : $"The request failed on {tried} backend(s) and no other backend is available.",
                // With 0 attempts the request reached no backend, so even a write certainly did not happen.
                Extensions = { ["attempts"] = tried },
            },
        }).ConfigureAwait(false);
    }

    // A write of which an earlier attempt may have been committed, and no later attempt settled it.
    private async Task WriteOutcomeUnknownAsync(HttpContext context, int attempts)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status504GatewayTimeout,
                Title = "Write outcome unknown",
                Detail = "A backend failed while the write was in flight, so it may have been committed; no other backend could settle it. "
                    + $"Retry with the same {KvHeaders.IdempotencyKey} to learn its version, or read the key.",
                Extensions = { ["attempts"] = attempts },
            },
        }).ConfigureAwait(false);
    }

    private async Task WriteFailureAsync(HttpContext context, DestinationState destination, IForwarderErrorFeature failure)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        // YARP has chosen the status (502, or 504 on a timeout) but written no body.
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = context.Response.StatusCode,
                Title = failure.Error == ForwarderError.RequestTimedOut ? "Backend timed out" : "Backend failed",
                Detail = $"{destination.BackendName()} failed ({failure.Error}). The request was not sent to another backend: it was a write that may already have been applied, or every attempt was used.",
            },
        }).ConfigureAwait(false);
    }
}
