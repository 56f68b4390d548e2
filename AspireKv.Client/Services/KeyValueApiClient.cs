using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AspireKv.Contracts;

namespace AspireKv.Client.Services;

/// <summary>
/// Talks to the cluster through the balancer (<c>http://balancer</c>, resolved by service discovery) and
/// turns every answer, errors included, into a <see cref="KvResult"/> the page can show.
/// </summary>
public sealed class KeyValueApiClient(HttpClient http)
{
    public Task<KvResult> SetAsync(string key, byte[] value, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(value);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync("SET", key, new HttpRequestMessage(HttpMethod.Put, KvRoutes.Key(key)) { Content = content }, cancellationToken);
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
                ok ? null : DescribeProblem(response, body),
                Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException exception)
        {
            return new KvResult(operation, key, 0, null, null, null, $"The balancer could not be reached: {exception.Message}", Stopwatch.GetElapsedTime(started));
        }
    }

    // Backends and the balancer answer errors with a ProblemDetails; show its title and detail.
    private static string DescribeProblem(HttpResponseMessage response, byte[] body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (title is not null || detail is not null)
            {
                return string.Join(": ", new[] { title, detail }.Where(part => !string.IsNullOrEmpty(part)));
            }
        }
        catch (JsonException)
        {
        }

        return $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
