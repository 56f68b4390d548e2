using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace AspireKv.Bench;

/// <summary>
/// Which types a process allocated, from a trace taken with <c>dotnet-trace collect --profile gc-verbose</c>: the
/// runtime reports about every 100 KB allocated with the type of the object that crossed the mark, so the totals
/// per type are a sample proportional to the bytes each type takes.
/// </summary>
internal static class AllocationReport
{
    public static int Run(string tracePath, int top)
    {
        var bytesByType = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        using (var source = new EventPipeEventSource(tracePath))
        {
            source.Clr.GCAllocationTick += (GCAllocationTickTraceData tick) =>
            {
                var type = string.IsNullOrEmpty(tick.TypeName) ? "(unknown)" : tick.TypeName;
                bytesByType[type] = bytesByType.GetValueOrDefault(type) + tick.AllocationAmount64;
                total += tick.AllocationAmount64;
            };
            source.Process();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1e6:F1} MB sampled; the types that took the most:"));
        foreach (var (type, bytes) in bytesByType.OrderByDescending(pair => pair.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / Math.Max(1, total),6:F1} %  {type}"));
        }

        return 0;
    }
}
