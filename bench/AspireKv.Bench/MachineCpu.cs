using System.Globalization;

namespace AspireKv.Bench;

/// <summary>
/// How busy the whole machine's CPUs were between two readings of /proc/stat (Linux): a lag figure means little
/// without the load it was measured under, since on a saturated machine every thread hop waits for a core.
/// </summary>
internal static class MachineCpu
{
    public readonly record struct Reading(long Busy, long Total, long Steal);

    public static Reading? Read()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Sum();
        return new Reading(total - idle, total, fields[7]);
    }

    public static string BusyShareSince(Reading? before)
    {
        var after = Read();
        if (before is not { } start || after is not { } end || end.Total == start.Total)
        {
            return "not measured (no /proc/stat)";
        }

        var total = (double)(end.Total - start.Total);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{100 * (end.Busy - start.Busy) / total:0} % busy (steal {100 * (end.Steal - start.Steal) / total:0.0} %)");
    }
}
