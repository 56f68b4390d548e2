using System.Globalization;

namespace AspireKv.Backend.Replication;

/// <summary>
/// An epoch names one generation of the durable copy: <c>generation:id</c>. The generation is a number that every
/// restore raises past every generation a member of it had loaded, so a later epoch always has a higher one, even
/// across a Redis that lost everything; the id (random) tells apart two epochs that a split history gave the same
/// number. Epochs written by earlier versions (an id alone) have generation 0.
/// </summary>
internal static class Epochs
{
    /// <summary>The generation of <paramref name="epoch"/>; 0 when there is none or it has no number.</summary>
    public static long GenerationOf(string? epoch)
    {
        var colon = epoch?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && long.TryParse(epoch.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            ? generation
            : 0;
    }

    /// <summary>The epoch of <paramref name="generation"/> with <paramref name="id"/>, as the restore script builds it.</summary>
    public static string Format(long generation, string id) => string.Create(CultureInfo.InvariantCulture, $"{generation}:{id}");
}
