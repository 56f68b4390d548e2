using System.Globalization;
using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace AspireKv.Balancer.Health;

/// <summary>
/// Active health, as YARP's built-in ConsecutiveFailures policy decides it (the first 2xx makes a backend
/// healthy; the threshold of consecutive failures, from the cluster's metadata, makes it unhealthy), and also
/// records every probe's outcome so that the registry can show when each backend was last probed.
/// </summary>
internal sealed class ConsecutiveFailuresActiveHealthPolicy(
    IDestinationHealthUpdater healthUpdater, ProbeHistory history, TimeProvider time) : IActiveHealthCheckPolicy
{
    public const string PolicyName = "ConsecutiveFailuresWithHistory";

    private const int DefaultThreshold = 2;
    private readonly ConditionalWeakTable<DestinationState, StrongBox<int>> _failures = [];

    public string Name => PolicyName;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(probingResults);
        var threshold = Threshold(cluster);
        var now = time.GetUtcNow();
        var updates = new List<NewActiveDestinationHealth>(probingResults.Count);
        foreach (var result in probingResults)
        {
            var succeeded = result.Response is { IsSuccessStatusCode: true };
            history.Record(result.Destination.DestinationId, new ProbeRecord(now, succeeded));
            updates.Add(new NewActiveDestinationHealth(result.Destination, Evaluate(result.Destination, succeeded, threshold)));
        }

        healthUpdater.SetActive(cluster, updates);
    }

    // Pure apart from the per-destination counter: healthy at the first success, unhealthy at the threshold.
    private DestinationHealth Evaluate(DestinationState destination, bool succeeded, int threshold)
    {
        var failures = _failures.GetOrCreateValue(destination);
        failures.Value = succeeded ? 0 : failures.Value + 1;
        return succeeded ? DestinationHealth.Healthy
            : failures.Value >= threshold ? DestinationHealth.Unhealthy
            : destination.Health.Active;
    }

    private static int Threshold(ClusterState cluster) =>
        cluster.Model.Config.Metadata?.TryGetValue(ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName, out var text) == true
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var threshold) && threshold > 0
            ? threshold
            : DefaultThreshold;
}
