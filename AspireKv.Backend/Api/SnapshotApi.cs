using System.Globalization;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Snapshots;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AspireKv.Backend.Api;

/// <summary>
/// <c>GET /admin/snapshot</c> streams the store at one version as a snapshot file; <c>PUT</c> seeds the cluster from
/// one. Mapped with the admin endpoints, behind the cluster secret.
/// </summary>
internal static class SnapshotApi
{
    private const string SnapshotContentType = "application/x-ndjson";

    // Lines are small; writing them through a buffer saves a flush of the response per key.
    private const int WriteBufferBytes = 64 * 1024;

    public static async Task<IResult> SaveSnapshot(SnapshotService snapshots, HttpResponse response, CancellationToken cancellationToken)
    {
        StoreSnapshot snapshot;
        try
        {
            snapshot = await snapshots.TakeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicationUnavailableException exception)
        {
            return Unavailable(response, "No snapshot could be taken", exception.Message);
        }

        var fileName = string.Create(CultureInfo.InvariantCulture, $"aspirekv-{snapshot.Version}.snapshot");
        return TypedResults.Stream(
            async body =>
            {
                await using var buffered = new BufferedStream(body, WriteBufferBytes);
                await SnapshotWriter.WriteAsync(snapshot, buffered, cancellationToken).ConfigureAwait(false);
            },
            SnapshotContentType,
            fileName);
    }

    public static async Task<IResult> RestoreSnapshot(
        HttpRequest request, SnapshotService snapshots, IOptions<ValueLimits> limits, string? force, string? bump, CancellationToken cancellationToken)
    {
        if (!TryParseForce(force, out var replace))
        {
            return BadRequest("Invalid force", $"'{KvRoutes.SnapshotForceParameter}' is 'true' or 'false'.");
        }

        if (!TryParseBump(bump, out var bumpBy))
        {
            return BadRequest(
                "Invalid bump",
                string.Create(CultureInfo.InvariantCulture, $"'{KvRoutes.SnapshotBumpParameter}' is a whole number from 0 to {SnapshotRestorePlanner.MaxBump}."));
        }

        // A snapshot is as large as the store: not bound by the value limit (each value in it is).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        try
        {
            var snapshot = await SnapshotReader.ReadAsync(request.Body, limits.Value.MaxValueBytes, cancellationToken).ConfigureAwait(false);
            var (restored, conflict) = await snapshots.RestoreAsync(snapshot, replace, bumpBy, cancellationToken).ConfigureAwait(false);
            return restored is not null
                ? TypedResults.Ok(restored)
                : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not restored", detail: conflict);
        }
        catch (InvalidSnapshotException exception)
        {
            return BadRequest("Invalid snapshot", exception.Message + " Nothing was restored.");
        }
        catch (ReplicationUnavailableException exception)
        {
            return Unavailable(request.HttpContext.Response, "Not restored", exception.OutcomeUnknown
                ? "Redis may have taken the restore, but not enough replicas confirmed it in time: " + exception.Message
                : exception.Message + " Nothing was restored.");
        }
    }

    private static bool TryParseForce(string? text, out bool force)
    {
        force = false;
        return text is null || bool.TryParse(text, out force);
    }

    private static bool TryParseBump(string? text, out long bump)
    {
        bump = SnapshotRestorePlanner.DefaultBump;
        return text is null
            || (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out bump) && bump <= SnapshotRestorePlanner.MaxBump);
    }

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static ProblemHttpResult Unavailable(HttpResponse response, string title, string detail)
    {
        response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);
    }
}
