using System.Globalization;
using AspireKv.Backend.Expiry;
using AspireKv.Backend.KeyValue;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace AspireKv.Backend.Api;

/// <summary>
/// The public key-value API: <c>PUT</c>, <c>GET</c> and <c>DELETE /kv/{key}</c> with the value as raw bytes.
/// Every answer carries the key's version as an <c>ETag</c> and the backend's applied version; every error is
/// a ProblemDetails.
/// </summary>
internal static class KeyValueApi
{
    private const string OctetStream = "application/octet-stream";

    public static RouteGroupBuilder MapKeyValueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(KvRoutes.KeyValuePrefix).WithTags("Key-value");
        group.MapGet("/", ListKeys).WithName(nameof(ListKeys));
        group.MapGet("/{key}", GetValue).WithName(nameof(GetValue));
        group.MapPut("/{key}", PutValue).WithName(nameof(PutValue));
        group.MapDelete("/{key}", DeleteValue).WithName(nameof(DeleteValue));
        return group;
    }

    /// <summary>Lists live keys in ordinal order from this replica's memory, a page at a time.</summary>
    public static Results<Ok<KeyPage>, ProblemHttpResult> ListKeys(string? prefix, string? after, int? limit, HttpResponse response, Replica replica, RedisClock clock)
    {
        var size = limit ?? KeyLister.DefaultLimit;
        if (size is < 1 or > KeyLister.MaxLimit)
        {
            return BadRequest("Invalid limit", $"limit must be between 1 and {KeyLister.MaxLimit}.");
        }

        response.Headers[KvHeaders.AppliedVersion] = Text(replica.AppliedVersion);
        return TypedResults.Ok(KeyLister.List(replica.Store.Keys, prefix, after, size, clock.Now()));
    }

    /// <summary>Reads from this replica's memory at the consistency the client asks for.</summary>
    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetValue(
        string key, HttpRequest request, KeyValueReader reader, CancellationToken cancellationToken)
    {
        var response = request.HttpContext.Response;
        if (KeyRules.Validate(key) is { } invalid)
        {
            return BadRequest("Invalid key", invalid);
        }

        if (!ReadConsistency.TryParse(request.Headers[KvHeaders.Consistency], request.Headers[KvHeaders.MinVersion], out var consistency, out var error))
        {
            return BadRequest("Invalid consistency", error!);
        }

        ReadOutcome outcome;
        try
        {
            outcome = await reader.ReadAsync(key, consistency, cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicationUnavailableException exception)
        {
            return Unavailable(response, "Strong reads are unavailable", exception.Message + " Local and session reads still work.", anotherBackendMayAnswer: true);
        }

        response.Headers[KvHeaders.AppliedVersion] = Text(outcome.AppliedVersion);
        if (outcome.PossiblyStale)
        {
            response.Headers[KvHeaders.PossiblyStale] = "true";
        }

        switch (outcome.Status)
        {
            case ReadStatus.Behind:
                return Unavailable(
                    response,
                    "Backend behind",
                    $"This backend has applied every write up to version {Text(outcome.AppliedVersion)}, not yet {Text(outcome.RequiredVersion)} as the read requires. Another backend, or a retry, may answer.",
                    anotherBackendMayAnswer: true);
            case ReadStatus.NotFound:
                return KeyNotFound(key);
        }

        SetVersion(response, outcome.Entry.Version);
        if (outcome.ExpiresIn is { } secondsLeft)
        {
            response.Headers[KvHeaders.ExpiresIn] = secondsLeft.ToString("0.###", CultureInfo.InvariantCulture);
        }

        if (request.Headers.IfNoneMatch.Count == 1 && request.Headers.IfNoneMatch[0] == ETag(outcome.Entry.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(outcome.Entry.Value!, OctetStream);
    }

    /// <summary>
    /// Stores the request body under the key once Redis has ordered and persisted the write; with <c>ttl</c> (decimal
    /// seconds) the key expires that long after the commit, and without it any earlier expiry is cleared.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> PutValue(
        string key,
        [FromQuery(Name = KvRoutes.TimeToLiveParameter)] string[]? ttl,
        HttpRequest request,
        KeyValueWriter writer,
        Replica replica,
        IOptions<ValueLimits> limits,
        CancellationToken cancellationToken)
    {
        if (ParseWrite(key, request, out var condition, out var idempotencyKey) is { } invalid)
        {
            return invalid;
        }

        if (!TimeToLive.TryParse(new StringValues(ttl), out var timeToLive, out var ttlError))
        {
            return BadRequest("Invalid time to live", ttlError!);
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

        return await WriteAsync(new WriteRequest(ChangeKind.Set, key, value, condition, idempotencyKey, timeToLive), request.HttpContext.Response, writer, replica, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the key, leaving a tombstone with its own version; 404 when it holds no value.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteValue(
        string key, HttpRequest request, KeyValueWriter writer, Replica replica, CancellationToken cancellationToken)
    {
        if (ParseWrite(key, request, out var condition, out var idempotencyKey) is { } invalid)
        {
            return invalid;
        }

        if (request.Query.ContainsKey(KvRoutes.TimeToLiveParameter))
        {
            return BadRequest("Invalid time to live", $"{KvRoutes.TimeToLiveParameter} applies to PUT only; a DELETE removes the key now.");
        }

        return await WriteAsync(new WriteRequest(ChangeKind.Delete, key, [], condition, idempotencyKey), request.HttpContext.Response, writer, replica, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> WriteAsync(
        WriteRequest write, HttpResponse response, KeyValueWriter writer, Replica replica, CancellationToken cancellationToken)
    {
        CommitResult result;
        try
        {
            result = await writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicationUnavailableException exception) when (exception.OutcomeUnknown)
        {
            // The commit may have run in Redis before the connection failed, or ran without enough replicas confirming
            // it: saying "nothing was written" could be false, and a client that believed it could lose track of a
            // write. 504: the gateway's upstream did not answer.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status504GatewayTimeout,
                title: "Write outcome unknown",
                detail: "The write may or may not have been committed: " + exception.Message
                    + " Retry with the same Idempotency-Key to learn its version, or read the key.");
        }
        catch (ReplicationUnavailableException exception)
        {
            return Unavailable(
                response,
                "Writes are unavailable",
                "Redis, which orders and persists every write, cannot be reached; nothing was written. Reads still work. " + exception.Message,
                anotherBackendMayAnswer: true);
        }
        finally
        {
            response.Headers[KvHeaders.AppliedVersion] = Text(replica.AppliedVersion);
        }

        switch (result.Status)
        {
            case CommitStatus.Committed or CommitStatus.Replayed:
                SetVersion(response, result.Version);
                return TypedResults.NoContent();
            case CommitStatus.NotFound:
                return KeyNotFound(write.Key);
            case CommitStatus.PreconditionFailed:
                if (result.Version > 0)
                {
                    SetVersion(response, result.Version);
                }

                return TypedResults.Problem(
                    statusCode: StatusCodes.Status412PreconditionFailed,
                    title: "Precondition failed",
                    detail: write.Condition.Kind == WriteConditionKind.IfAbsent
                        ? $"'{write.Key}' already holds a value (version {Text(result.Version)})."
                        : result.Version > 0
                            ? $"'{write.Key}' is at version {Text(result.Version)}, not the one the write requires."
                            : $"'{write.Key}' holds no value.");
            case CommitStatus.IdempotencyKeyReused:
                // As the IETF Idempotency-Key draft advises: 422, because replaying the first write's success would
                // tell the client that this different write happened.
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "Idempotency key reused",
                    detail: $"The {KvHeaders.IdempotencyKey} '{write.IdempotencyKey}' was used in the last {KvLimits.IdempotencyWindow.TotalMinutes:0} minutes for a different write "
                        + $"(committed as version {Text(result.Version)}). Nothing was written; send a new key with each new write.");
            case CommitStatus.RecoveryNeeded:
                return Unavailable(
                    response,
                    "Writes are paused",
                    "Redis lost writes it had acknowledged (it restarted empty or behind, or a replica that may lack some was promoted); the backends are writing their data back into it. Nothing was written; retry in a moment.");
            case CommitStatus.StaleEpoch:
                return Unavailable(
                    response,
                    "Backend reloading",
                    "This backend has not yet loaded the data of the cluster's current generation (a restore has just ended). Nothing was written; retry in a moment.",
                    anotherBackendMayAnswer: true);
            default:
                throw new InvalidOperationException($"No answer is defined for the commit status {result.Status}.");
        }
    }

    // What PUT and DELETE share: the key, the precondition and the idempotency key. A problem when invalid.
    private static ProblemHttpResult? ParseWrite(string key, HttpRequest request, out WriteCondition condition, out string? idempotencyKey)
    {
        condition = WriteCondition.None;
        idempotencyKey = null;
        if (KeyRules.Validate(key) is { } invalidKey)
        {
            return BadRequest("Invalid key", invalidKey);
        }

        if (!WritePreconditions.TryParseCondition(request.Headers.IfMatch, request.Headers.IfNoneMatch, out condition, out var conditionError))
        {
            return BadRequest("Invalid precondition", conditionError!);
        }

        return WritePreconditions.TryParseIdempotencyKey(request.Headers[KvHeaders.IdempotencyKey], out idempotencyKey, out var keyError)
            ? null
            : BadRequest("Invalid idempotency key", keyError!);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ETag(long version) => $"\"{Text(version)}\"";

    private static void SetVersion(HttpResponse response, long version) =>
        response.Headers.ETag = new EntityTagHeaderValue(ETag(version)).ToString();

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static ProblemHttpResult KeyNotFound(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Key not found", detail: $"No value is stored under '{key}'.");

    // anotherBackendMayAnswer: the refusal is about this backend (behind, or cut off from Redis) and nothing was
    // written, so the balancer may send the request to another backend instead of passing the 503 on.
    private static ProblemHttpResult Unavailable(HttpResponse response, string title, string detail, bool anotherBackendMayAnswer = false)
    {
        response.Headers.RetryAfter = "1";
        if (anotherBackendMayAnswer)
        {
            response.Headers[KvHeaders.TryAnotherBackend] = "true";
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);
    }
}
