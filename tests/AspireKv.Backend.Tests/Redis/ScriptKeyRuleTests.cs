using System.Reflection;
using System.Text.RegularExpressions;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Tests.Redis;

/// <summary>
/// The rule that makes the scripts atomic on Garnet as well as on Redis: every key a script reads or writes is passed
/// in KEYS. Garnet's transaction mode locks only the keys in KEYS (and nothing when there are none), so a key built
/// from ARGV inside a script would be read and written without protection. The rule is checked on every script the
/// backend ships: every string constant of its assembly that calls <c>redis.call</c>, wherever it is declared.
/// </summary>
public sealed partial class ScriptKeyRuleTests
{
    // Where each command used by a script takes its keys: the first argument, every argument, or none.
    private enum KeyPositions
    {
        None,
        First,
        All,
    }

    private static readonly Dictionary<string, KeyPositions> Commands = new(StringComparer.Ordinal)
    {
        ["GET"] = KeyPositions.First, ["SET"] = KeyPositions.First, ["INCR"] = KeyPositions.First,
        ["EXISTS"] = KeyPositions.All, ["DEL"] = KeyPositions.All,
        ["HGET"] = KeyPositions.First, ["HSET"] = KeyPositions.First, ["HLEN"] = KeyPositions.First, ["HGETALL"] = KeyPositions.First,
        ["ZADD"] = KeyPositions.First, ["ZREMRANGEBYRANK"] = KeyPositions.First, ["ZRANGEBYSCORE"] = KeyPositions.First, ["HSCAN"] = KeyPositions.First,
        ["SADD"] = KeyPositions.First, ["SREM"] = KeyPositions.First, ["SMEMBERS"] = KeyPositions.First,
        ["SCARD"] = KeyPositions.First, ["SISMEMBER"] = KeyPositions.First,
        ["TIME"] = KeyPositions.None, ["INFO"] = KeyPositions.None,
    };

    public static TheoryData<string> ShippedScripts() => [.. Scripts().Select(script => script.Name)];

    [Fact]
    public void ShippedScripts_AreFound()
    {
        // Guards the discovery itself: if it found nothing, the rule below would hold vacuously.
        var names = Scripts().Select(script => script.Name).ToList();
        Assert.Contains("CommitScript.Source", names);
        Assert.Contains("RestoreScripts.TryComplete", names);
        Assert.True(names.Count >= 6, string.Join(", ", names));
    }

    [Theory]
    [MemberData(nameof(ShippedScripts))]
    public void ShippedScript_TouchesOnlyKeysPassedInKEYS(string script) =>
        Assert.Empty(Violations(Scripts().Single(s => s.Name == script).Source));

    [Theory]
    [InlineData("redis.call('GET', KEYS[1])")]
    [InlineData("redis.call('EXISTS', KEYS[i])")]
    [InlineData("redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. 'x')")]
    [InlineData("redis.call('SET', KEYS[5], string.format('%d', version) .. ':' .. ARGV[8], 'EX', tonumber(ARGV[7]))")]
    [InlineData("local t = redis.call('TIME')")]
    public void Violations_KeyFromKEYS_IsAllowed(string lua) => Assert.Empty(Violations(lua));

    [Theory]
    [InlineData("redis.call('EXISTS', ARGV[2] .. member)")]
    [InlineData("redis.call('GET', ARGV[1])")]
    [InlineData("redis.pcall('DEL', KEYS[1], ARGV[1])")]
    [InlineData("local name = KEYS[1] redis.call('GET', name)")]
    [InlineData("redis.call('HKEYS', KEYS[1])")]
    [InlineData("redis.call(command, KEYS[1])")]
    public void Violations_KeyBuiltInTheScriptOrUnknownCommand_IsReported(string lua) => Assert.NotEmpty(Violations(lua));

    // Every string constant of the backend's assembly that calls Redis, named Type.Field.
    private static IEnumerable<(string Name, string Source)> Scripts() =>
        from type in typeof(IReplicationLog).Assembly.GetTypes()
        from field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        where field.IsLiteral && field.GetRawConstantValue() is string text && text.Contains("redis.", StringComparison.Ordinal)
        select ($"{type.Name}.{field.Name}", (string)field.GetRawConstantValue()!);

    // Every redis.call/pcall whose command is unknown to the table, or whose key arguments are not KEYS[...].
    private static List<string> Violations(string lua)
    {
        var violations = new List<string>();
        foreach (Match call in RedisCall().Matches(lua))
        {
            var arguments = SplitArguments(lua, call.Index + call.Length);
            var command = arguments.Count > 0 ? CommandName().Match(arguments[0]) : Match.Empty;
            if (!command.Success || !Commands.TryGetValue(command.Groups[1].Value.ToUpperInvariant(), out var positions))
            {
                violations.Add($"{call.Value}{string.Join(", ", arguments)}): a command missing from this test's table of key positions");
                continue;
            }

            var keys = positions switch
            {
                KeyPositions.First => arguments.Skip(1).Take(1),
                KeyPositions.All => arguments.Skip(1),
                _ => [],
            };
            violations.AddRange(keys.Where(key => !KeysElement().IsMatch(key)).Select(key => $"{command.Value} uses the key {key}, which is not KEYS[...]"));
        }

        return violations;
    }

    // The top-level, comma-separated arguments of the call whose opening parenthesis ends at start.
    private static List<string> SplitArguments(string lua, int start)
    {
        var arguments = new List<string>();
        var (depth, quote, begin) = (0, '\0', start);
        for (var i = start; i < lua.Length; i++)
        {
            var c = lua[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                depth--;
            }
            else if (c == ')' && depth-- == 0)
            {
                arguments.Add(lua[begin..i].Trim());
                return arguments;
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(lua[begin..i].Trim());
                begin = i + 1;
            }
        }

        return arguments;
    }

    [GeneratedRegex(@"redis\.p?call\(")]
    private static partial Regex RedisCall();

    [GeneratedRegex(@"^'([A-Za-z]+)'$")]
    private static partial Regex CommandName();

    [GeneratedRegex(@"^KEYS\[[A-Za-z0-9_ +\-]+\]$")]
    private static partial Regex KeysElement();
}
