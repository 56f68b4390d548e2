using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps Redis commands that belong to no request out of the exported traces. Backends poll Redis every
/// second in the background (the replication head, status announcements); each poll would otherwise be a
/// trace of its own and bury the writes in the dashboard. Redis commands made while serving a request keep
/// their parent and are exported as usual, so a write's trace still shows its Redis step.
/// </summary>
/// <remarks>
/// The Redis instrumentation builds its spans after the command completes, so OpenTelemetry's
/// <c>SuppressInstrumentationScope</c> does not reach it; clearing the recorded flag before the exporter
/// sees the span does. Must be added before the exporter.
/// </remarks>
public sealed class UnparentedRedisSpanFilter : BaseProcessor<Activity>
{
    /// <summary>The activity source of the Redis instrumentation that Aspire.StackExchange.Redis registers.</summary>
    public const string RedisSourceName = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Source.Name == RedisSourceName && data.ParentSpanId == default)
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
