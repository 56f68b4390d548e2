using System.Net.Http.Json;
using AspireKv.Contracts;

namespace AspireKv.ApiClient;

/// <summary>
/// Reads the balancer's registry: every backend with its health, traffic and replication state. The registry
/// requires the cluster secret; the <see cref="HttpClient"/> must carry it (<c>Authorization: Bearer</c>).
/// </summary>
public sealed class ClusterStatusClient(HttpClient http)
{
    /// <summary>The backends, or why they could not be read.</summary>
    public async Task<(IReadOnlyList<RegisteredBackend>? Backends, string? Error)> GetBackendsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(KvRoutes.Registry, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"The balancer's registry answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.IReadOnlyListRegisteredBackend, cancellationToken).ConfigureAwait(false), null);
        }
        catch (HttpRequestException exception)
        {
            return (null, $"The balancer could not be reached: {exception.Message}");
        }
    }
}
