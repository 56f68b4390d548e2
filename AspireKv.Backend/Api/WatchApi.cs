using System.Globalization;
using System.Text.Json;
using System.Text;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;

namespace AspireKv.Backend.Api;

/// <summary>
/// Watches: <c>GET /watch?prefix=</c> streams every committed write as Server-Sent Events, in version order, with
/// the version as the event id. A client that reconnects, to this backend or another, sends the last id it got as
/// <c>Last-Event-ID</c> (or <c>?from=</c>) and receives everything after it: the events come from the shared recent
/// log, not from this backend's memory, so no backend has a different history to tell.
/// </summary>
internal static class WatchApi
{
    /// <summary>Sent when nothing happened for this long, so that proxies (the balancer times out idle streams after 3 s) keep the stream.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(2);
    private static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();
    private static readonly byte[] RetryHint = "retry: 1000\n\n"u8.ToArray();
    private const int BatchSize = 500;

    /// <summary>The <see cref="ChangeEvent.Reason"/> of a delete the key's time to live made.</summary>
    public const string ExpiredReason = "expired";

    public static IEndpointRouteBuilder MapWatchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(KvRoutes.Watch, WatchAsync).WithName("Watch").WithTags("Key-value");
        return app;
    }

    public static async Task WatchAsync(
        HttpContext context,
        string? prefix,
        long? from,
        IReplicationLog log,
        Replica replica,
        AppliedVersionWaiter waiter,
        IHostApplicationLifetime lifetime)
    {
        var response = context.Response;
        var resumeAfter = from ?? LastEventId(context.Request) ?? replica.AppliedVersion;
        if (resumeAfter < 0)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            await response.WriteAsJsonAsync(
                new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 400, Title = "Invalid resume point", Detail = "from and Last-Event-ID must be non-negative versions." },
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);

        var last = resumeAfter;

        // A stream never ends by itself, and a graceful shutdown waits for open requests: without ending the
        // stream when the host stops, a backend with a watcher takes the whole shutdown timeout to stop.
        using var streamEnd = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellation = streamEnd.Token;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                var applied = replica.AppliedVersion;
                if (applied <= last)
                {
                    if (!await waiter.WaitForAsync(last + 1, KeepAlive, cancellation).ConfigureAwait(false))
                    {
                        await response.Body.WriteAsync(KeepAliveComment, cancellation).ConfigureAwait(false);
                        await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
                    }

                    continue;
                }

                var batch = await log.ReadRangeAsync(last + 1, applied, BatchSize, server: null, cancellation).ConfigureAwait(false);
                if (batch.Count == 0 || batch[0].Version != last + 1)
                {
                    // The log no longer reaches back to the resume point: say so, and continue from what it holds.
                    await WriteAsync(response, "reset", null, Text(last), cancellation).ConfigureAwait(false);
                    last = batch.Count == 0 ? applied : batch[0].Version - 1;
                    continue;
                }

                foreach (var entry in batch)
                {
                    if (string.IsNullOrEmpty(prefix) || entry.Key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        var set = entry.Kind == ChangeKind.Set;
                        var change = new ChangeEvent(
                            entry.Version,
                            entry.Key,
                            set ? "set" : "delete",
                            set ? Convert.ToBase64String(entry.Value) : null,
                            entry.Kind == ChangeKind.Expire ? ExpiredReason : null,
                            set && entry.ExpiresAt > 0 ? entry.ExpiresAt : null);
                        await WriteAsync(
                            response, "change", entry.Version, JsonSerializer.Serialize(change, ContractsJsonContext.Default.ChangeEvent), cancellation).ConfigureAwait(false);
                    }

                    last = entry.Version;
                }

                await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
            return;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // This backend is stopping: ended below.
        }
        catch (ReplicationUnavailableException)
        {
            // Redis is away: end the stream; the client reconnects with Last-Event-ID and misses nothing.
            await EndWithRetryAsync(response).ConfigureAwait(false);
            return;
        }

        // The loop ends when this backend stops, whether the stop came while it waited or before it began (a watch
        // that arrived just as the host started stopping never enters it): end the stream with the hint, and the
        // client reconnects, through the balancer to another backend, with Last-Event-ID and misses nothing.
        if (!context.RequestAborted.IsCancellationRequested)
        {
            await EndWithRetryAsync(response).ConfigureAwait(false);
        }
    }

    private static async Task EndWithRetryAsync(HttpResponse response)
    {
        try
        {
            await response.Body.WriteAsync(RetryHint, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // The connection is already gone; there is nobody left to tell.
        }
    }

    private static long? LastEventId(HttpRequest request) =>
        long.TryParse(request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static async Task WriteAsync(HttpResponse response, string type, long? id, string data, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (id is { } version)
        {
            text.Append("id: ").Append(Text(version)).Append('\n');
        }

        text.Append("event: ").Append(type).Append('\n').Append("data: ").Append(data).Append("\n\n");
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
