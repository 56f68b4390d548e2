using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Checking;

/// <summary>The cluster recovered from every fault the nemesis injected.</summary>
/// <param name="unrecovered">One line per fault it did not recover from.</param>
public sealed class RecoveryChecker(IReadOnlyList<string> unrecovered) : IHistoryChecker
{
    public CheckResult Check(ChaosHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return new CheckResult("the cluster recovers from every fault", history.Faults.Count, unrecovered);
    }
}
