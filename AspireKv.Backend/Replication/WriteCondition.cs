using System.Globalization;

namespace AspireKv.Backend.Replication;

/// <summary>What a conditional write requires of the key's current state, checked atomically in Redis.</summary>
internal enum WriteConditionKind
{
    /// <summary>Unconditional.</summary>
    None,

    /// <summary><c>If-None-Match: *</c>: only if the key holds no value (absent or deleted).</summary>
    IfAbsent,

    /// <summary><c>If-Match: *</c>: only if the key holds a value.</summary>
    IfPresent,

    /// <summary><c>If-Match: "v"</c>: only if the key holds a value at exactly version v.</summary>
    IfVersion,
}

/// <summary>A write's precondition.</summary>
/// <param name="Kind">What is required.</param>
/// <param name="Version">The required version, for <see cref="WriteConditionKind.IfVersion"/>.</param>
internal readonly record struct WriteCondition(WriteConditionKind Kind, long Version = 0)
{
    public static WriteCondition None => default;

    /// <summary>The condition as the commit script reads it: '', '*', 'E' or the version.</summary>
    public string ToScriptArgument() => Kind switch
    {
        WriteConditionKind.None => string.Empty,
        WriteConditionKind.IfAbsent => "*",
        WriteConditionKind.IfPresent => "E",
        _ => Version.ToString(CultureInfo.InvariantCulture),
    };
}
