namespace AspireKv.Chaos.Checking;

/// <summary>What one checker found.</summary>
/// <param name="Name">The invariant it checks.</param>
/// <param name="Checked">How many things (operations, keys) it looked at.</param>
/// <param name="Violations">One readable line per violation; empty when the invariant held.</param>
public sealed record CheckResult(string Name, int Checked, IReadOnlyList<string> Violations)
{
    public bool Passed => Violations.Count == 0;
}
