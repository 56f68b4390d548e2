using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Checking;

/// <summary>One invariant checked over a whole run's history.</summary>
public interface IHistoryChecker
{
    CheckResult Check(ChaosHistory history);
}
