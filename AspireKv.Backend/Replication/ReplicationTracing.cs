using System.Diagnostics;
using System.Globalization;
using AspireKv.Backend.Diagnostics;

namespace AspireKv.Backend.Replication;

/// <summary>
/// Spans of the replication fan-out, after OpenTelemetry's messaging conventions: one <c>publish</c> span per
/// write on the backend that accepted it, and one <c>process</c> span per apply on every backend, parented
/// to and linked with the publish span through the traceparent carried in the message.
/// </summary>
internal static class ReplicationTracing
{
    /// <summary>Starts the producer span of a write; its context goes into the message.</summary>
    public static Activity? StartPublish(ChangeKind kind)
    {
        var activity = BackendTelemetry.Source.StartActivity("publish " + BackendTelemetry.ReplicationDestination, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", BackendTelemetry.MessagingSystem);
            activity.SetTag("messaging.operation.type", "publish");
            activity.SetTag("messaging.destination.name", BackendTelemetry.ReplicationDestination);
            activity.SetTag("aspirekv.change", kind.ToString());
        }

        return activity;
    }

    /// <summary>Starts the consumer span of one apply, in the trace of the write that produced it.</summary>
    public static Activity? StartProcess(ReplicationEntry entry, string node, string source)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!BackendTelemetry.Source.HasListeners())
        {
            // Nothing records spans (no OTLP endpoint): skip parsing the trace context and building the link.
            return null;
        }

        ActivityLink[]? links = null;
        ActivityContext parent = default;
        if (entry.TraceParent is not null && ActivityContext.TryParse(entry.TraceParent, null, out parent))
        {
            links = [new ActivityLink(parent)];
        }

        var activity = BackendTelemetry.Source.StartActivity(
            "process " + BackendTelemetry.ReplicationDestination, ActivityKind.Consumer, parent, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", BackendTelemetry.MessagingSystem);
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", BackendTelemetry.ReplicationDestination);
            activity.SetTag("messaging.message.id", entry.Version.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("aspirekv.node", node);
            activity.SetTag("aspirekv.origin", entry.Origin);
            activity.SetTag("aspirekv.apply.source", source);
        }

        return activity;
    }
}
