using System.Globalization;
using AspireKv.Contracts;

namespace AspireKv.Backend.Redis;

/// <summary>What a primary's <c>INFO replication</c> says of itself and its replicas.</summary>
/// <param name="ReplicationId">
/// The primary's replication ID (<c>master_replid</c>): Redis draws a new one when a replica is promoted, so it tells two
/// terms of the same server apart; empty when the server gives none (Garnet).
/// </param>
/// <param name="Offset">The primary's replication offset (<c>master_repl_offset</c>).</param>
/// <param name="Replicas">Each connected replica (<c>slave0:ip=…,port=…,state=…,offset=…,lag=…</c>).</param>
internal sealed record ReplicationInfo(string ReplicationId, long Offset, IReadOnlyList<RedisReplicaStatus> Replicas)
{
    /// <summary>The section's fields; null when the server is not a primary (<c>role:slave</c>, say).</summary>
    public static ReplicationInfo? Parse(string info)
    {
        var fields = info.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToList();
        var role = fields.FirstOrDefault(pair => pair[0] == "role")?[1];
        if (role is not null && role != "master")
        {
            return null;
        }

        var offset = Number(fields.FirstOrDefault(pair => pair[0] == "master_repl_offset")?[1]);
        var replicas = fields
            .Where(pair => pair[0].StartsWith("slave", StringComparison.Ordinal) && pair[0].Length > 5 && char.IsAsciiDigit(pair[0][5]))
            .Select(pair => Replica(pair[1], offset))
            .ToList();
        return new ReplicationInfo(fields.FirstOrDefault(pair => pair[0] == "master_replid")?[1] ?? "", offset, replicas);
    }

    /// <summary>The value of field <paramref name="name"/> of an <c>INFO</c> section, or null when it has none.</summary>
    public static string? Field(string info, string name) =>
        info.Split('\n', StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(line => line[(name.Length + 1)..])
            .FirstOrDefault();

    private static RedisReplicaStatus Replica(string description, long primaryOffset)
    {
        var values = description.Split(',')
            .Select(item => item.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(group => group.Key, group => group.First()[1]);
        var offset = Number(values.GetValueOrDefault("offset"));
        return new RedisReplicaStatus(
            $"{values.GetValueOrDefault("ip", "?")}:{values.GetValueOrDefault("port", "?")}",
            values.GetValueOrDefault("state", "unknown"),
            offset,
            Math.Max(0, primaryOffset - offset),
            Number(values.GetValueOrDefault("lag")));
    }

    private static long Number(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
