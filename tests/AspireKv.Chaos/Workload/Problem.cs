using System.Text.Json;

namespace AspireKv.Chaos.Workload;

/// <summary>What the client reads from a ProblemDetails answer: its title (which refusal it was) and, from the
/// balancer, how many backends the request reached.</summary>
internal sealed record Problem(string? Title, int? Attempts)
{
    public static Problem? Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return new Problem(
                root.TryGetProperty("title", out var title) ? title.GetString() : null,
                root.TryGetProperty("attempts", out var attempts) && attempts.TryGetInt32(out var count) ? count : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
