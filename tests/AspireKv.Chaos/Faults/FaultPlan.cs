using System.Globalization;
using AspireKv.Contracts;

namespace AspireKv.Chaos.Faults;

/// <summary>One fault to inject: what, to whom, for how long, and how long to wait before it.</summary>
public sealed record PlannedFault(FaultKind Kind, string Target, TimeSpan Duration, TimeSpan PauseBefore);

/// <summary>
/// The seeded sequence of faults of a run: pure, so a seed always gives the same faults in the same order. Faults
/// come in rounds, each a shuffle of every kind, so a short run sees every kind once and a long one sees them
/// all equally often. Faults do not overlap: the runner heals one and waits for the cluster to recover before
/// the next, because the design excludes some double faults (Redis losing its data while the only backend
/// holding a write is down).
/// </summary>
public static class FaultPlan
{
    /// <summary>The faults of the single-server topology.</summary>
    public static IEnumerable<PlannedFault> Create(int seed, IReadOnlyList<string> backends, TimeSpan minDuration, TimeSpan maxDuration) =>
        Create(seed, backends, minDuration, maxDuration, FaultKindExtensions.Of(replicated: false));

    /// <summary>
    /// The faults of <paramref name="kinds"/>. A fault of the primary or of a replica names its role: which server
    /// has it is known only when the fault begins.
    /// </summary>
    public static IEnumerable<PlannedFault> Create(int seed, IReadOnlyList<string> backends, TimeSpan minDuration, TimeSpan maxDuration, IReadOnlyList<FaultKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(kinds);
        if (backends.Count == 0)
        {
            throw new ArgumentException("At least one backend is needed.", nameof(backends));
        }

        var random = new Random(seed);
        while (true)
        {
            var round = kinds.ToArray();
            random.Shuffle(round);
            foreach (var kind in round)
            {
                var target = kind switch
                {
                    _ when kind.TargetsBackend() => backends[random.Next(backends.Count)],
                    FaultKind.RestartBalancer => "balancer",
                    FaultKind.KillPrimary or FaultKind.HangPrimary => "primary",
                    FaultKind.KillReplica => "replica",
                    FaultKind.HangSentinel => string.Create(CultureInfo.InvariantCulture, $"sentinel-{random.Next(ReplicatedRedisConfig.Sentinels) + 1}"),
                    _ => "redis",
                };
                var duration = minDuration + ((maxDuration - minDuration) * random.NextDouble());
                var pause = TimeSpan.FromMilliseconds(500 + random.Next(1_500));
                yield return new PlannedFault(kind, target, duration, pause);
            }
        }
    }
}
