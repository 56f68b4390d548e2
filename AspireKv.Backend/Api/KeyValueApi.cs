using System.Globalization;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AspireKv.Backend.Api;

/// <summary>
/// The public key-value API: <c>PUT</c>, <c>GET</c> and <c>DELETE /kv/{key}</c> with the value as raw bytes.
/// Every answer carries the key's version as an <c>ETag</c>; every error is a ProblemDetails.
/// </summary>
internal static class KeyValueApi
{
    private const string OctetStream = "application/octet-stream";

    public static RouteGroupBuilder MapKeyValueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(KvRoutes.KeyValuePrefix).WithTags("Key-value");
        group.MapGet("/{key}", GetValue).WithName(nameof(GetValue));
        group.MapPut("/{key}", PutValue).WithName(nameof(PutValue));
        group.MapDelete("/{key}", DeleteValue).WithName(nameof(DeleteValue));
        return group;
    }

    /// <summary>Reads from this replica's memory: the exact bytes stored, or 404.</summary>
    public static Results<FileContentHttpResult, ProblemHttpResult> GetValue(string key, HttpResponse response, Replica replica)
    {
        if (KeyRules.Validate(key) is { } invalid)
        {
            return InvalidKey(invalid);
        }

        if (!replica.Store.TryGet(key, out var entry) || entry.Value is null)
        {
            return KeyNotFound(key);
        }

        SetVersion(response, entry.Version);
        return TypedResults.Bytes(entry.Value, OctetStream);
    }

    /// <summary>Stores the request body under the key once Redis has ordered and persisted the write.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> PutValue(
        string key,
        HttpRequest request,
        KeyValueWriter writer,
        IOptions<ValueLimits> limits,
        CancellationToken cancellationToken)
    {
        if (KeyRules.Validate(key) is { } invalid)
        {
            return InvalidKey(invalid);
        }

        var maxBytes = limits.Value.MaxValueBytes;
        var value = await RequestBodyReader.ReadAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Value too large",
                detail: $"Values are limited to {maxBytes} bytes.");
        }

        try
        {
            var result = await writer.SetAsync(key, value, cancellationToken).ConfigureAwait(false);
            SetVersion(request.HttpContext.Response, result.Version);
            return TypedResults.NoContent();
        }
        catch (ReplicationUnavailableException exception)
        {
            return ReplicationUnavailable(request.HttpContext.Response, exception);
        }
    }

    /// <summary>Deletes the key, leaving a tombstone with its own version; 404 when it holds no value.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteValue(string key, HttpResponse response, KeyValueWriter writer, CancellationToken cancellationToken)
    {
        if (KeyRules.Validate(key) is { } invalid)
        {
            return InvalidKey(invalid);
        }

        try
        {
            var result = await writer.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            if (result.Status == CommitStatus.NotFound)
            {
                return KeyNotFound(key);
            }

            SetVersion(response, result.Version);
            return TypedResults.NoContent();
        }
        catch (ReplicationUnavailableException exception)
        {
            return ReplicationUnavailable(response, exception);
        }
    }

    private static void SetVersion(HttpResponse response, long version) =>
        response.Headers.ETag = new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}\"").ToString();

    private static ProblemHttpResult InvalidKey(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid key", detail: reason);

    private static ProblemHttpResult KeyNotFound(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Key not found", detail: $"No value is stored under '{key}'.");

    private static ProblemHttpResult ReplicationUnavailable(HttpResponse response, ReplicationUnavailableException exception)
    {
        // Nothing is accepted that cannot be made durable; the client may retry once Redis is back.
        response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Writes are unavailable",
            detail: "Redis, which orders and persists every write, cannot be reached; nothing was written. Reads still work. " + exception.Message);
    }
}
