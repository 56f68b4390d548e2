using System.Text.Json;

namespace AspireKv.ApiClient;

/// <summary>A sentence for the user from an error answer: backends and the balancer answer with a ProblemDetails.</summary>
internal static class ProblemText
{
    /// <summary>The ProblemDetails' title and detail, or the status when the body is none.</summary>
    public static string Describe(HttpResponseMessage response, byte[] body)
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
