using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AspireKv.Chaos.History;
using AspireKv.Contracts;

namespace AspireKv.Chaos.Workload;

/// <summary>
/// One client of the run: a sequential process that sends one request at a time through the balancer, picks what
/// to do from its own seeded random source, and records each operation with its invocation and completion time.
/// It behaves as a careful user of the API would: every write carries an Idempotency-Key (so the balancer may
/// retry it), conditional writes use the version it last saw, and session reads send the highest version it has
/// seen. Every value it writes is unique, so a read identifies the write it returns.
/// </summary>
internal sealed class ChaosClient(int id, HttpClient http, Uri balancer, IReadOnlyList<string> keys, int seed, Stopwatch clock, HistoryRecorder history)
{
    private readonly Random _random = new(HashCode.Combine(seed, id));
    private readonly Dictionary<string, long> _lastVersion = new(StringComparer.Ordinal);
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromMilliseconds(100);
    private long _token;
    private int _sequence;

    /// <summary>Runs operations while <paramref name="next"/> grants one.</summary>
    public async Task RunAsync(Func<bool> next)
    {
        while (next())
        {
            await RunOneAsync().ConfigureAwait(false);
        }
    }

    private async Task RunOneAsync()
    {
        var key = keys[_random.Next(keys.Count)];
        var roll = _random.Next(100);
        var (kind, consistency) = roll switch
        {
            < 20 => (OperationKind.Read, Consistency.Local),
            < 35 => (OperationKind.Read, Consistency.Session),
            < 50 => (OperationKind.Read, Consistency.Strong),
            < 75 => (OperationKind.Set, Consistency.Local),
            < 83 => (OperationKind.Delete, Consistency.Local),
            < 95 => (OperationKind.ConditionalSet, Consistency.Local),
            _ => (OperationKind.Create, Consistency.Local),
        };
        long? expected = null;
        if (kind == OperationKind.ConditionalSet)
        {
            if (_lastVersion.TryGetValue(key, out var last))
            {
                expected = last;
            }
            else
            {
                kind = OperationKind.Create;
            }
        }

        var value = kind is OperationKind.Set or OperationKind.ConditionalSet or OperationKind.Create
            ? string.Create(CultureInfo.InvariantCulture, $"c{id}-{++_sequence}")
            : null;
        long? minVersion = consistency == Consistency.Session ? _token : null;
        using var request = Build(kind, key, value, expected, consistency, minVersion);
        var invokedAt = Now();
        Operation operation;
        try
        {
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            operation = FromResponse(kind, key, value, expected, consistency, minVersion, invokedAt, response, body);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            // Even "connection refused" says nothing definite about a write: HttpClient sends a request again on a
            // new connection when a pooled one breaks before the answer, so the refused attempt may be the second,
            // and the first may have reached a balancer that died before answering. (The first chaos runs found it.)
            var outcome = kind == OperationKind.Read ? Outcome.Failed : Outcome.Unknown;
            operation = new Operation(0, id, kind, key, value, expected, consistency, minVersion, invokedAt, Now(), outcome, null, null, null, null, exception.GetType().Name + ": " + exception.Message);
        }

        Learn(operation);
        history.Record(operation);
        if (operation.Outcome is Outcome.Failed or Outcome.Unknown)
        {
            // As a polite client would (the answers say Retry-After): no tight loop against a cluster that is down.
            await Task.Delay(FailureBackoff).ConfigureAwait(false);
        }
    }

    private HttpRequestMessage Build(OperationKind kind, string key, string? value, long? expected, Consistency consistency, long? minVersion)
    {
        var uri = new Uri(balancer, KvRoutes.Key(key));
        var request = new HttpRequestMessage(kind switch
        {
            OperationKind.Read => HttpMethod.Get,
            OperationKind.Delete => HttpMethod.Delete,
            _ => HttpMethod.Put,
        }, uri);
        if (value is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        }

        if (kind == OperationKind.Read)
        {
            request.Headers.Add(KvHeaders.Consistency, consistency.ToString().ToLowerInvariant());
            if (minVersion is { } token)
            {
                request.Headers.Add(KvHeaders.MinVersion, token.ToString(CultureInfo.InvariantCulture));
            }
        }
        else
        {
            request.Headers.Add(KvHeaders.IdempotencyKey, Guid.NewGuid().ToString("N"));
        }

        if (expected is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(Quoted(version)));
        }

        if (kind == OperationKind.Create)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }

        return request;
    }

    private Operation FromResponse(
        OperationKind kind, string key, string? value, long? expected, Consistency consistency, long? minVersion, long invokedAt, HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        var servedBy = response.Headers.TryGetValues(KvHeaders.ServedBy, out var names) ? names.FirstOrDefault() : null;
        var applied = response.Headers.TryGetValues(KvHeaders.AppliedVersion, out var applieds) && long.TryParse(applieds.FirstOrDefault(), CultureInfo.InvariantCulture, out var a) ? a : (long?)null;
        var version = response.Headers.ETag is { } tag && long.TryParse(tag.Tag.Trim('"'), CultureInfo.InvariantCulture, out var v) ? v : (long?)null;
        var problem = response.IsSuccessStatusCode ? null : Problem.Parse(body);
        var outcome = response.StatusCode switch
        {
            _ when response.IsSuccessStatusCode => Outcome.Ok,
            HttpStatusCode.NotFound => Outcome.NotFound,
            HttpStatusCode.PreconditionFailed => Outcome.PreconditionFailed,
            // A backend's own 503 says that nothing was written (Redis was unreachable before the write was sent);
            // so does the balancer's when no attempt reached a backend.
            HttpStatusCode.ServiceUnavailable when servedBy is not null || problem?.Attempts == 0 => Outcome.Failed,
            // The balancer's 503 after attempts that reached a backend, 502 and 504 say nothing definite.
            _ when status >= 500 => kind == OperationKind.Read ? Outcome.Failed : Outcome.Unknown,
            _ => Outcome.Failed,
        };
        var read = kind == OperationKind.Read && outcome == Outcome.Ok ? Encoding.UTF8.GetString(body) : value;
        var error = outcome is Outcome.Ok ? null : $"{status} {problem?.Title}";
        return new Operation(0, id, kind, key, read, expected, consistency, minVersion, invokedAt, Now(), outcome, version, applied, servedBy, status, error);
    }

    // What the client knows after an answer: the key's version (for its next conditional write) and its session token.
    private void Learn(Operation operation)
    {
        if (operation.Outcome == Outcome.Ok && operation.Version is { } version)
        {
            _lastVersion[operation.Key] = version;
            _token = Math.Max(_token, version);
        }
        else if (operation.Outcome == Outcome.PreconditionFailed && operation.Version is { } current)
        {
            _lastVersion[operation.Key] = current;
        }

        if (operation.AppliedVersion is { } applied && operation.Outcome is Outcome.Ok or Outcome.NotFound or Outcome.PreconditionFailed)
        {
            _token = Math.Max(_token, applied);
        }
    }

    private static string Quoted(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    private long Now() => (long)clock.Elapsed.TotalMicroseconds;
}
