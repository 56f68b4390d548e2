using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AspireKv.Contracts;

namespace AspireKv.ApiClient;

/// <summary>
/// Talks to the cluster through the balancer (whatever base address the <see cref="HttpClient"/> has: service
/// discovery's <c>http://balancer</c> in Aspire, <c>http://localhost:4000</c> standalone) and turns every answer,
/// errors included, into something a page or a console can show.
/// </summary>
public sealed class KeyValueApiClient(HttpClient http)
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>A page of keys, or why there is none.</summary>
    public async Task<KvListResult> ListAsync(string? prefix = null, string? after = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var query = $"{KvRoutes.KeyValuePrefix}?limit={limit}"
            + (string.IsNullOrEmpty(prefix) ? string.Empty : $"&prefix={Uri.EscapeDataString(prefix)}")
            + (string.IsNullOrEmpty(after) ? string.Empty : $"&after={Uri.EscapeDataString(after)}");
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.GetAsync(new Uri(query, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var servedBy = response.Headers.TryGetValues(KvHeaders.ServedBy, out var names) ? names.FirstOrDefault() : null;
            return response.IsSuccessStatusCode
                ? new KvListResult(JsonSerializer.Deserialize(body, ContractsJsonContext.Default.KeyPage), servedBy, Stopwatch.GetElapsedTime(started), null)
                : new KvListResult(null, servedBy, Stopwatch.GetElapsedTime(started), ProblemText.Describe(response, body));
        }
        catch (HttpRequestException exception)
        {
            return new KvListResult(null, null, Stopwatch.GetElapsedTime(started), $"The balancer could not be reached: {exception.Message}");
        }
    }

    /// <summary>
    /// Every change under <paramref name="prefix"/> after version <paramref name="from"/> (null: from now on), as it
    /// happens. When the stream breaks it reconnects, possibly to another backend, with the last version it got as
    /// <c>Last-Event-ID</c>, so nothing is missed or repeated.
    /// </summary>
    public async IAsyncEnumerable<ChangeEvent> WatchAsync(
        string? prefix = null, long? from = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var last = from;
        while (!cancellationToken.IsCancellationRequested)
        {
            var path = $"{KvRoutes.Watch}?prefix={Uri.EscapeDataString(prefix ?? string.Empty)}";
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            if (last is { } version)
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // The balancer is away; try again shortly.
            }

            if (response is null || !response.IsSuccessStatusCode)
            {
                response?.Dispose();
                await Task.Delay(ReconnectDelay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                await foreach (var change in ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
                {
                    last = change.Version;
                    yield return change;
                }
            }

            // The stream ended (a backend died, or a proxy closed it): reconnect after a breath, not in a tight loop.
            await Task.Delay(ReconnectDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<ChangeEvent> ReadEventsAsync(
        HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        string? type = null;
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                yield break; // the stream broke: the caller reconnects
            }

            if (line is null)
            {
                yield break;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "change"
                && JsonSerializer.Deserialize(line[6..], ContractsJsonContext.Default.ChangeEvent) is { } change)
            {
                yield return change;
            }
        }
    }

    public Task<KvResult> SetAsync(string key, byte[] value, CancellationToken cancellationToken = default) =>
        SetAsync(key, value, timeToLive: null, cancellationToken);

    /// <summary>Sets the key; with <paramref name="timeToLive"/> it expires that long after the commit (null clears an earlier expiry).</summary>
    public Task<KvResult> SetAsync(string key, byte[] value, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(value);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var path = KvRoutes.Key(key);
        if (timeToLive is { } ttl)
        {
            path += $"?{KvRoutes.TimeToLiveParameter}={ttl.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}";
        }

        return SendAsync("SET", key, new HttpRequestMessage(HttpMethod.Put, path) { Content = content }, cancellationToken);
    }

    public Task<KvResult> GetAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync("GET", key, new HttpRequestMessage(HttpMethod.Get, KvRoutes.Key(key)), cancellationToken);

    public Task<KvResult> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync("DELETE", key, new HttpRequestMessage(HttpMethod.Delete, KvRoutes.Key(key)), cancellationToken);

    private async Task<KvResult> SendAsync(string operation, string key, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var _ = request;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var servedBy = response.Headers.TryGetValues(KvHeaders.ServedBy, out var names) ? names.FirstOrDefault() : null;
            var version = response.Headers.ETag?.Tag.Trim('"');
            var ok = response.IsSuccessStatusCode;
            return new KvResult(
                operation,
                key,
                (int)response.StatusCode,
                servedBy,
                version,
                ok && operation == "GET" ? body : null,
                ok ? null : ProblemText.Describe(response, body),
                Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException exception)
        {
            return new KvResult(operation, key, 0, null, null, null, $"The balancer could not be reached: {exception.Message}", Stopwatch.GetElapsedTime(started));
        }
    }
}
