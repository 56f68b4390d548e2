using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests.Checking;

/// <summary>
/// Makes histories that are linearizable by construction: a sequential register takes every operation at its own
/// instant (one every 10 µs), and each operation's call and return are then spread around that instant at random,
/// so that neighbours overlap the way concurrent clients do. Every answer is the one the register gave at that
/// instant, so the instants themselves are a valid linearization, and the checker must find one.
/// </summary>
internal static class LinearizableHistoryGenerator
{
    private const long Spacing = 10;
    private const int MaxSpread = 30;

    public static ChaosHistory Generate(int seed, int count, int keys)
    {
        var random = new Random(seed);
        var builder = new HistoryBuilder();
        var registers = new Dictionary<string, (string? Value, long Version)>(StringComparer.Ordinal);
        long nextVersion = 0;
        for (var i = 1; i <= count; i++)
        {
            var at = i * Spacing;
            var from = at - random.Next(MaxSpread);
            var to = at + random.Next(MaxSpread);
            var key = "k" + random.Next(keys);
            var (current, version) = registers.GetValueOrDefault(key);
            var value = "v" + i;
            var roll = random.Next(100);
            switch (roll)
            {
                case < 35:
                    builder.Read(key, current, from, to, current is null ? null : version);
                    break;
                case < 55:
                    registers[key] = (value, ++nextVersion);
                    builder.Set(key, value, from, to, nextVersion);
                    break;
                case < 65 when current is not null:
                    registers[key] = (null, ++nextVersion);
                    builder.Delete(key, from, to, nextVersion);
                    break;
                case < 65:
                    builder.Delete(key, from, to, outcome: Outcome.NotFound);
                    break;
                case < 80:
                    // Right more often than not, so that both answers are common. If-Match needs a current value: on a
                    // deleted key even the tombstone's version is refused.
                    var expected = random.Next(3) > 0 ? version : Math.Max(0, version - 1 - random.Next(3));
                    if (expected == version && current is not null)
                    {
                        registers[key] = (value, ++nextVersion);
                        builder.Cas(key, value, expected, from, to, nextVersion);
                    }
                    else
                    {
                        builder.Cas(key, value, expected, from, to, version, Outcome.PreconditionFailed);
                    }

                    break;
                case < 88 when current is null:
                    registers[key] = (value, ++nextVersion);
                    builder.Create(key, value, from, to, nextVersion);
                    break;
                case < 88:
                    builder.Create(key, value, from, to, version, Outcome.PreconditionFailed);
                    break;
                case < 94:
                    // Unknown: half of them took effect at their instant, the others never did.
                    if (random.Next(2) == 0)
                    {
                        registers[key] = (value, ++nextVersion);
                    }

                    builder.Set(key, value, from, to, outcome: Outcome.Unknown);
                    break;
                default:
                    builder.Set(key, value, from, to, outcome: Outcome.Failed);
                    break;
            }
        }

        return builder.Build(seed);
    }

    /// <summary>
    /// Makes one strong read certainly stale: the last read that can be pointed at a value overwritten by an
    /// acknowledged, newer write that answered before the read was sent. Returns the history and the read's id.
    /// </summary>
    public static (ChaosHistory History, int CorruptedId) CorruptOneRead(ChaosHistory history)
    {
        var operations = history.Operations;
        for (var r = operations.Count - 1; r >= 0; r--)
        {
            var read = operations[r];
            if (read is not { Kind: OperationKind.Read, Outcome: Outcome.Ok })
            {
                continue;
            }

            var stale = operations.FirstOrDefault(old => old is { Kind: OperationKind.Set, Outcome: Outcome.Ok } && old.Key == read.Key
                && old.Value != read.Value
                && operations.Any(newer => newer.Key == read.Key && newer is { Outcome: Outcome.Ok, Version: not null } && newer.IsWrite
                    && newer.Version > old.Version && newer.CompletedAt < read.InvokedAt));
            if (stale is not null)
            {
                var corrupted = read with { Value = stale.Value, Version = stale.Version };
                return (history with { Operations = [.. operations.Select(op => op.Id == read.Id ? corrupted : op)] }, read.Id);
            }
        }

        throw new InvalidOperationException("No read can be made stale; generate a longer history.");
    }
}
