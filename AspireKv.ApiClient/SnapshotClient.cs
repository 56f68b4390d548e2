using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AspireKv.Contracts;

namespace AspireKv.ApiClient;

/// <summary>
/// Saves a backend's snapshot and restores one into a cluster (<c>/admin/snapshot</c>). It talks to a backend, not the
/// balancer, which does not forward <c>/admin</c>; every request carries the cluster secret.
/// </summary>
public sealed class SnapshotClient(HttpClient http, string secret)
{
    /// <summary>Streams the backend's snapshot into <paramref name="destination"/>; answers why not, or null when saved.</summary>
    public async Task<string?> SaveAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, KvRoutes.AdminSnapshot);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return ProblemText.Describe(response, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            }

            await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (HttpRequestException exception)
        {
            return $"The backend could not be reached: {exception.Message}";
        }
    }

    /// <summary>
    /// Restores the snapshot read from <paramref name="source"/>, streamed. <paramref name="force"/> replaces the data of
    /// a cluster that holds some; <paramref name="bump"/> says how far past the snapshot's versions new writes begin.
    /// </summary>
    public async Task<(SnapshotRestored? Restored, string? Error)> RestoreAsync(Stream source, bool force = false, long? bump = null, CancellationToken cancellationToken = default)
    {
        var query = $"?{KvRoutes.SnapshotForceParameter}={(force ? "true" : "false")}"
            + (bump is { } by ? $"&{KvRoutes.SnapshotBumpParameter}={by.ToString(CultureInfo.InvariantCulture)}" : string.Empty);
        using var request = Request(HttpMethod.Put, KvRoutes.AdminSnapshot + query);
        request.Content = new StreamContent(source);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, ProblemText.Describe(response, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)));
            }

            return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.SnapshotRestored, cancellationToken).ConfigureAwait(false), null);
        }
        catch (HttpRequestException exception)
        {
            return (null, $"The backend could not be reached: {exception.Message}");
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return request;
    }
}
