using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace AspireKv.Bench;

/// <summary>
/// Which types a process allocated, from a trace taken with <c>dotnet-trace collect --profile gc-verbose</c>: the
/// runtime reports about every 100 KB allocated with the type of the object that crossed the mark, so the totals
/// per type are a sample proportional to the bytes each type takes. Given a type name (or part of one), it also
/// prints the call stacks that allocated it most, to find out who makes it.
/// </summary>
internal static class AllocationReport
{
    private const int FramesPerStack = 14;

    public static int Run(string tracePath, int top, string? stacksOfType)
    {
        var bytesByType = new Dictionary<string, long>(StringComparer.Ordinal);
        var bytesByStack = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        using (var log = TraceLog.OpenOrConvert(TraceLog.CreateFromEventPipeDataFile(tracePath)))
        {
            var source = log.Events.GetSource();
            source.Clr.GCAllocationTick += (GCAllocationTickTraceData tick) =>
            {
                var type = string.IsNullOrEmpty(tick.TypeName) ? "(unknown)" : tick.TypeName;
                bytesByType[type] = bytesByType.GetValueOrDefault(type) + tick.AllocationAmount64;
                total += tick.AllocationAmount64;
                if (stacksOfType is not null && type.Contains(stacksOfType, StringComparison.Ordinal))
                {
                    var stack = Describe(tick.CallStack());
                    bytesByStack[stack] = bytesByStack.GetValueOrDefault(stack) + tick.AllocationAmount64;
                }
            };
            source.Process();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1e6:F1} MB sampled; the types that took the most:"));
        foreach (var (type, bytes) in bytesByType.OrderByDescending(pair => pair.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / Math.Max(1, total),6:F1} %  {type}"));
        }

        if (stacksOfType is not null)
        {
            var ofType = bytesByStack.Values.Sum();
            foreach (var (stack, bytes) in bytesByStack.OrderByDescending(pair => pair.Value).Take(5))
            {
                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / Math.Max(1, ofType):F1} % of '{stacksOfType}' from:"));
                Console.WriteLine(stack);
            }
        }

        return 0;
    }

    private static string Describe(TraceCallStack? stack)
    {
        var frames = new List<string>();
        for (var frame = stack; frame is not null && frames.Count < FramesPerStack; frame = frame.Caller)
        {
            frames.Add("    " + frame.CodeAddress.FullMethodName);
        }

        return frames.Count == 0 ? "    (no stack)" : string.Join('\n', frames);
    }
}
