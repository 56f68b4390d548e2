using AspireKv.Chaos.History;
using static System.FormattableString;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// One way to print an operation in a violation line, so that every checker names operations the same way and a
/// reader can find them in the history by id: what was asked, what came back, and when.
/// </summary>
internal static class OperationText
{
    public static string Describe(Operation op)
    {
        var asked = op.Kind switch
        {
            OperationKind.Set => Invariant($"Set {Quote(op.Key)} = {Quote(op.Value)}"),
            OperationKind.Delete => Invariant($"Delete {Quote(op.Key)}"),
            OperationKind.ConditionalSet => Invariant($"ConditionalSet {Quote(op.Key)} = {Quote(op.Value)} if v{op.ExpectedVersion}"),
            OperationKind.Create => Invariant($"Create {Quote(op.Key)} = {Quote(op.Value)}"),
            _ => op.Consistency == Consistency.Session
                ? Invariant($"session Read {Quote(op.Key)} min v{op.MinVersion}")
                : Invariant($"{op.Consistency.ToString().ToLowerInvariant()} Read {Quote(op.Key)}"),
        };
        var answer = op.Outcome switch
        {
            Outcome.Ok when op.Kind == OperationKind.Read => Invariant($"{Quote(op.Value)} {VersionText(op.Version)}"),
            Outcome.Ok => Invariant($"Ok {VersionText(op.Version)}"),
            Outcome.PreconditionFailed when op.Version is not null => Invariant($"412 (current v{op.Version})"),
            Outcome.PreconditionFailed => "412",
            Outcome.NotFound => "404",
            _ => op.Outcome.ToString(),
        };
        return Invariant($"op {op.Id} (client {op.Client}, {asked} -> {answer}, {op.InvokedAt}..{op.CompletedAt})");
    }

    public static string Quote(string? text) => text is null ? "null" : "\"" + text + "\"";

    /// <summary>A version as a reader expects it, or a word that says why there is none.</summary>
    public static string VersionText(long? version) => version is { } v ? Invariant($"v{v}") : "v?";

    /// <summary>What a key holds: a value and its version, or nothing.</summary>
    public static string EntryText(string? value, long? version) => value is null ? "nothing" : Quote(value) + " " + VersionText(version);
}
