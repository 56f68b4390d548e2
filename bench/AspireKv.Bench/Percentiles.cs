using System.Globalization;

namespace AspireKv.Bench;

/// <summary>Summarises a set of durations.</summary>
internal static class Percentiles
{
    public static string Describe(IReadOnlyCollection<TimeSpan> samples)
    {
        if (samples.Count == 0)
        {
            return "no samples";
        }

        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"n={sorted.Length} p50={At(sorted, 0.50):0.00} ms p90={At(sorted, 0.90):0.00} ms p99={At(sorted, 0.99):0.00} ms max={sorted[^1]:0.00} ms");
    }

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
