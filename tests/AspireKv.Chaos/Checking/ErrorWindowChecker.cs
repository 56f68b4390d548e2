using AspireKv.Chaos.Faults;
using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// Client-visible errors only where the failure model allows them. An operation that failed (or ended with an
/// unknown outcome) is excused only by a fault whose window (from its start until the cluster had recovered from
/// it, plus a grace for answers in flight) overlaps the operation, and only for what that fault may break:
/// <list type="bullet">
/// <item>a balancer restart: anything, since the clients' only entry point is down;</item>
/// <item>Redis down (restarted with or without its data): writes, strong reads and session reads, which need
/// Redis or a caught-up backend; never local reads, which are served from memory;</item>
/// <item>a backend cut off from Redis or on a slow link: the same, when that backend served the request (or no
/// backend answered);</item>
/// <item>a backend killed or hung: nothing, since the balancer sends every request that is safe to retry (reads,
/// and writes with an idempotency key, which every client write carries) to another backend, and so it does with
/// a hung backend's late "try another backend" answer.</item>
/// </list>
/// A 500, or a 4xx other than 404 and 412 (the client sends only valid requests), is never excused.
/// </summary>
public sealed class ErrorWindowChecker(TimeSpan recoveryGrace) : IHistoryChecker
{
    public CheckResult Check(ChaosHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var grace = (long)recoveryGrace.TotalMicroseconds;
        var violations = new List<string>();
        var failed = history.Operations.Where(o => o.Outcome is Outcome.Failed or Outcome.Unknown).ToList();
        foreach (var operation in failed)
        {
            if (!IsExcused(operation, history.Faults, grace))
            {
                violations.Add($"op {operation.Id} (client {operation.Client}, {Describe(operation)} '{operation.Key}', served by {operation.ServedBy ?? "none"}, "
                    + $"{operation.InvokedAt / 1000} ms..{operation.CompletedAt / 1000} ms) failed outside any fault that allows it: {operation.Error}");
            }
        }

        return new CheckResult("errors only where the fault model allows them", failed.Count, Capped(violations));
    }

    private static bool IsExcused(Operation operation, IReadOnlyList<FaultEvent> faults, long grace)
    {
        if (operation.Status is 500 || operation.Status is >= 400 and < 500)
        {
            return false;
        }

        var needsRedis = operation.IsWrite || operation.Consistency is Consistency.Session or Consistency.Strong;
        return faults.Any(fault =>
            operation.InvokedAt <= (fault.RecoveredAt ?? long.MaxValue - grace) + grace
            && operation.CompletedAt >= fault.StartedAt
            && Enum.Parse<FaultKind>(fault.Kind) switch
            {
                FaultKind.RestartBalancer => true,
                var kind when kind.TakesRedisAway() => needsRedis,
                FaultKind.CutBackendFromRedis or FaultKind.SlowBackendLink => needsRedis && (operation.ServedBy is null || operation.ServedBy == fault.Target),
                _ => false,
            });
    }

    private static string Describe(Operation operation) =>
        operation.Kind == OperationKind.Read ? $"{operation.Consistency} read of" : $"{operation.Kind} of";

    private static List<string> Capped(List<string> violations) =>
        violations.Count <= 20 ? violations : [.. violations.Take(20), $"... and {violations.Count - 20} more"];
}
