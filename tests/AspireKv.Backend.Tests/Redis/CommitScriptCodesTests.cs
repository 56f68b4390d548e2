using System.Text.RegularExpressions;
using AspireKv.Backend.Redis;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Redis;

/// <summary>The commit script answers with <see cref="CommitStatus"/> values written as Lua literals (returned, or passed to its <c>refuse</c>): the two lists must be the same.</summary>
public sealed partial class CommitScriptCodesTests
{
    [Fact]
    public void EveryCodeTheScriptReturns_IsACommitStatus_AndEveryStatusIsReturned()
    {
        var returned = ReturnedCode().Matches(CommitScript.Source).Select(match => long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var defined = Enum.GetValues<CommitStatus>().Select(status => (long)status).ToHashSet();

        Assert.NotEmpty(returned);
        Assert.Equal(defined.Order(), returned.Order());
    }

    [GeneratedRegex(@"(?:return\s*\{|refuse\()\s*(\d+)\s*,")]
    private static partial Regex ReturnedCode();
}
