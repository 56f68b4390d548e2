using System.Globalization;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;
using Microsoft.Extensions.Primitives;

namespace AspireKv.Backend.Api;

/// <summary>Parses the headers that make a write conditional or idempotent. Pure, so every case is unit-tested.</summary>
internal static class WritePreconditions
{
    /// <summary>The longest idempotency key accepted.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>
    /// <c>If-Match: *</c> or <c>If-Match: "v"</c>, or <c>If-None-Match: *</c>; at most one of them, one value each.
    /// Returns a reason when they are invalid.
    /// </summary>
    public static bool TryParseCondition(StringValues ifMatch, StringValues ifNoneMatch, out WriteCondition condition, out string? error)
    {
        condition = WriteCondition.None;
        error = null;
        if (ifMatch.Count > 0 && ifNoneMatch.Count > 0)
        {
            error = "Send If-Match or If-None-Match, not both.";
            return false;
        }

        if (ifNoneMatch.Count > 0)
        {
            if (ifNoneMatch.Count == 1 && ifNoneMatch[0]?.Trim() == "*")
            {
                condition = new WriteCondition(WriteConditionKind.IfAbsent);
                return true;
            }

            error = "A write accepts only If-None-Match: * (create only if absent).";
            return false;
        }

        if (ifMatch.Count == 0)
        {
            return true;
        }

        var value = ifMatch.Count == 1 ? ifMatch[0]?.Trim() : null;
        if (value == "*")
        {
            condition = new WriteCondition(WriteConditionKind.IfPresent);
            return true;
        }

        if (value is { Length: > 2 } && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && version > 0)
        {
            condition = new WriteCondition(WriteConditionKind.IfVersion, version);
            return true;
        }

        error = "If-Match must be * or one quoted version, as in the ETag: \"42\".";
        return false;
    }

    /// <summary>The <see cref="KvHeaders.IdempotencyKey"/>: 1 to 128 printable ASCII characters. Returns a reason when invalid.</summary>
    public static bool TryParseIdempotencyKey(StringValues header, out string? idempotencyKey, out string? error)
    {
        idempotencyKey = null;
        error = null;
        if (header.Count == 0)
        {
            return true;
        }

        var value = header.Count == 1 ? header[0] : null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdempotencyKeyLength || value.Any(c => c is < '!' or > '~'))
        {
            error = $"{KvHeaders.IdempotencyKey} must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces.";
            return false;
        }

        idempotencyKey = value;
        return true;
    }
}
