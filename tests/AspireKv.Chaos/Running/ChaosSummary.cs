using System.Text;
using AspireKv.Chaos.Checking;
using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Running;

/// <summary>The run's summary table: operations, faults and errors by kind, each invariant's verdict, the seed.</summary>
internal static class ChaosSummary
{
    public static string Format(ChaosHistory history, IReadOnlyList<CheckResult> checks, ChaosOptions options, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        var operations = history.Operations;
        var clients = operations.Select(o => o.Client).Distinct().Count();
        var keys = operations.Select(o => o.Key).Distinct(StringComparer.Ordinal).Count();
        Line(text, $"AspireKv chaos run: seed {history.Seed}, {operations.Count} operations in {elapsed.TotalSeconds:0} s, {clients} clients, {keys} keys, {history.Final.Count} backends on {history.Redis ?? "redis-server"}");
        Line(text, string.Empty);
        Line(text, $"{"operation",-16}{"total",8}{"ok",8}{"404",8}{"412",8}{"failed",8}{"unknown",8}");
        foreach (var group in operations.GroupBy(Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Line(text, $"{group.Key,-16}{group.Count(),8}{Count(group, Outcome.Ok),8}{Count(group, Outcome.NotFound),8}{Count(group, Outcome.PreconditionFailed),8}{Count(group, Outcome.Failed),8}{Count(group, Outcome.Unknown),8}");
        }

        Line(text, string.Empty);
        Line(text, $"faults ({history.Faults.Count}):");
        foreach (var group in history.Faults.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Line(text, $"  {group.Key,-20}{group.Count(),3}  {string.Join("; ", group.Select(Describe))}");
        }

        var errors = operations.Where(o => o.Error is not null && o.Outcome is Outcome.Failed or Outcome.Unknown).ToList();
        Line(text, string.Empty);
        Line(text, $"errors seen by clients ({errors.Count}):");
        foreach (var group in errors.GroupBy(o => $"{Name(o)}: {o.Error}").OrderByDescending(g => g.Count()).Take(15))
        {
            Line(text, $"  {group.Count(),6}  {Truncate(group.Key, 110)}");
        }

        Line(text, string.Empty);
        Line(text, "invariants:");
        foreach (var check in checks)
        {
            Line(text, $"  [{(check.Passed ? "PASS" : "FAIL")}] {check.Name} ({check.Checked} checked)");
            foreach (var violation in check.Violations)
            {
                Line(text, $"         {violation}");
            }
        }

        Line(text, string.Empty);
        Line(text, $"verdict: {(checks.All(c => c.Passed) ? "PASS" : "FAIL")}");
        var bound = options.Operations == int.MaxValue ? $"--seconds {options.Duration.TotalSeconds:0}" : $"--ops {options.Operations}";
        Line(text, $"reproduce: dotnet run --project tests/AspireKv.Chaos -c Release -- --seed {history.Seed} {bound} --clients {clients} --keys {keys} {Servers(history.Redis)}{(options.Faults is null ? string.Empty : $" --faults {string.Join(',', options.Faults)}")}");
        return text.ToString();
    }

    // The history names the Redis side as ChaosOptions.RedisName does: "garnet", "redis-server" or "redis-server replicated".
    private static string Servers(string? redis) => redis?.Split(' ') switch
    {
        [var server, "replicated"] => $"--redis {server} --topology replicated",
        [var server] => $"--redis {server}",
        _ => "--redis redis-server",
    };

    private static string Describe(FaultEvent fault) =>
        $"{fault.Target} {Seconds(fault.StartedAt)}-{Seconds(fault.EndedAt)} s "
        + (fault.RecoveredAt is { } recovered ? $"(recovered {Seconds(recovered - fault.EndedAt)} s after)" : "(did not recover)");

    private static string Seconds(long microseconds) => (microseconds / 1_000_000.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Name(Operation operation) =>
        operation.Kind == OperationKind.Read ? $"{operation.Consistency.ToString().ToLowerInvariant()} read" : operation.Kind.ToString().ToLowerInvariant();

    private static int Count(IEnumerable<Operation> operations, Outcome outcome) => operations.Count(o => o.Outcome == outcome);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
