using System.Globalization;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// Collects a checker's violation lines and caps them, so that a run that breaks an invariant ten thousand times
/// still prints a report someone can read: the first lines name the operations to look at, the rest is a count.
/// </summary>
internal sealed class ViolationLog(int maxLines = ViolationLog.DefaultMaxLines)
{
    /// <summary>Enough lines to see a pattern, few enough to read.</summary>
    public const int DefaultMaxLines = 20;

    private readonly List<string> _lines = [];
    private int _total;

    /// <summary>How many violations were added, shown or not.</summary>
    public int Count => _total;

    public void Add(string line)
    {
        _total++;
        if (_lines.Count < maxLines)
        {
            _lines.Add(line);
        }
    }

    /// <summary>The shown lines, and one more that counts those left out.</summary>
    public IReadOnlyList<string> Lines()
    {
        var hidden = _total - _lines.Count;
        return hidden == 0 ? [.. _lines] : [.. _lines, string.Format(CultureInfo.InvariantCulture, "... and {0} more", hidden)];
    }

    public CheckResult ToResult(string name, int checkedCount) => new(name, checkedCount, Lines());
}
