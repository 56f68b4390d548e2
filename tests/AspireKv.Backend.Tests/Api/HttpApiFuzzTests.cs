using System.Net;
using System.Net.Http.Headers;
using AspireKv.Testing;
using CsCheck;

namespace AspireKv.Backend.Tests.Api;

/// <summary>
/// Property-based fuzzing of a whole backend's HTTP API: random sequences of requests with random methods, keys
/// (valid, malformed, too long, badly encoded), values (some over the limit), content types and headers (valid
/// and garbage preconditions, idempotency keys, consistency levels, tokens). No answer may be a 5xx, except a
/// session read refused because its token is ahead of every write (503, by design); and afterwards the store
/// must equal a model that applies exactly the writes that were answered with 2xx.
/// </summary>
public sealed class HttpApiFuzzTests
{
    private const int MaxValueBytes = 256;

    private sealed record Operation(
        string Method, int KeySlot, string KeyShape, int ValueLength, string? ContentType,
        string? IfMatch, string? IfNoneMatch, int? IdempotencySlot, string? Consistency, string? MinVersion);

    private static readonly Gen<(string Method, int KeySlot, string KeyShape, int ValueLength, string? ContentType)> GenRequestLine = Gen.Select(
        Gen.OneOf("GET", "GET", "GET", "PUT", "PUT", "PUT", "DELETE", "DELETE", "POST", "PATCH", "HEAD"),
        Gen.Int[0, 3],
        Gen.OneOf("plain", "plain", "plain", "plain", "space", "control", "bad-utf8", "long", "empty", "slash", "unicode", "percent"),
        Gen.OneOf(Gen.Int[0, 40], Gen.Int[MaxValueBytes - 2, MaxValueBytes + 2]),
        Gen.OneOf<string?>(null, "application/octet-stream", "text/plain; charset=utf-8", "application/json", "multipart/form-data; boundary=x"));

    private static readonly Gen<(string? IfMatch, string? IfNoneMatch, int? IdempotencySlot, string? Consistency, string? MinVersion)> GenHeaders = Gen.Select(
        Gen.OneOf<string?>(null, null, null, "*", "\"1\"", "\"2\"", "\"3\"", "garbage", "W/\"1\"", "\"\"", "\"99999999999999999999\""),
        Gen.OneOf<string?>(null, null, null, null, "*", "\"1\""),
        Gen.Nullable(Gen.Int[0, 2], 0.6),
        Gen.OneOf<string?>(null, null, "local", "session", "strong", "linearizable", ""),
        Gen.OneOf<string?>(null, null, null, "0", "1", "-1", "abc", "1e3"));

    private static readonly Gen<Operation> GenOperation = Gen.Select(GenRequestLine, GenHeaders, (line, headers) => new Operation(
        line.Method, line.KeySlot, line.KeyShape, line.ValueLength, line.ContentType,
        headers.IfMatch, headers.IfNoneMatch, headers.IdempotencySlot, headers.Consistency, headers.MinVersion));

    [Fact]
    public async Task RandomRequests_NeverFailServerSide_AndTheStoreMatchesTheAcceptedWrites()
    {
        await using var backend = await InProcessBackend.StartAsync(MaxValueBytes);
        await GenOperation.Array[1, 30].SampleAsync(async operations =>
        {
            var sample = Guid.NewGuid().ToString("N")[..8];
            var model = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var committedIdempotencyKeys = new HashSet<string>(StringComparer.Ordinal);
            var random = new Random(operations.Length);
            foreach (var operation in operations)
            {
                var key = $"{sample}-{operation.KeySlot}";
                var value = new byte[operation.ValueLength];
                random.NextBytes(value);
                var idempotencyKey = operation.IdempotencySlot is { } slot ? $"{sample}-idem-{slot}" : null;
                using var request = BuildRequest(operation, key, value, idempotencyKey);
                using var response = await backend.Client.SendAsync(request);

                var status = (int)response.StatusCode;
                var refusedSessionRead = response.StatusCode == HttpStatusCode.ServiceUnavailable && operation.Method == "GET";
                Assert.True(status < 500 || refusedSessionRead, $"{operation} answered {status}: {await response.Content.ReadAsStringAsync()}");
                if (status >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }

                if (!response.IsSuccessStatusCode || operation.Method is not ("PUT" or "DELETE"))
                {
                    continue;
                }

                // A 2xx with an idempotency key that already committed is a replay: nothing was written. (The same
                // key on a different write is a 422, so a replay here is always of the same write.) Every accepted
                // write counts, whatever its key's shape: a key reused by a plain-key write must not be missed.
                if ((idempotencyKey is not null && !committedIdempotencyKeys.Add(idempotencyKey)) || operation.KeyShape != "plain")
                {
                    continue;
                }

                if (operation.Method == "PUT")
                {
                    model[key] = value;
                }
                else
                {
                    model.Remove(key);
                }
            }

            for (var slot = 0; slot <= 3; slot++)
            {
                var key = $"{sample}-{slot}";
                using var read = await backend.Client.GetAsync($"/kv/{key}");
                if (model.TryGetValue(key, out var expected))
                {
                    Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                    Assert.Equal(expected, await read.Content.ReadAsByteArrayAsync());
                }
                else
                {
                    Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
                }
            }
        }, iter: 60, threads: 1);
    }

    private static HttpRequestMessage BuildRequest(Operation operation, string key, byte[] value, string? idempotencyKey)
    {
        var path = operation.KeyShape switch
        {
            "space" => $"/kv/{key}%20x",
            "control" => $"/kv/{key}%01",
            "bad-utf8" => $"/kv/{key}%C3%28",
            "long" => $"/kv/{key}{new string('k', 600)}",
            "empty" => "/kv/",
            "slash" => $"/kv/{key}%2Fx",
            "unicode" => $"/kv/{key}-%C3%A9",
            "percent" => $"/kv/{key}%25",
            _ => $"/kv/{key}",
        };
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
        if (operation.Method is "PUT" or "POST" or "PATCH")
        {
            request.Content = new ByteArrayContent(value);
            if (operation.ContentType is { } contentType)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        Add(request, "If-Match", operation.IfMatch);
        Add(request, "If-None-Match", operation.IfNoneMatch);
        Add(request, "Idempotency-Key", idempotencyKey);
        Add(request, "X-Consistency", operation.Consistency);
        Add(request, "X-Min-Version", operation.MinVersion);
        return request;
    }

    private static void Add(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
