namespace AspireKv.Testing;

/// <summary>The Redis-compatible servers AspireKv ships with, as the tests start them.</summary>
public enum RedisServerKind
{
    /// <summary>Debian's redis-server.</summary>
    RedisServer,

    /// <summary>Microsoft Garnet, in the build of <c>AspireKv.GarnetHost</c>.</summary>
    Garnet,
}

public static class RedisServerKindExtensions
{
    /// <summary>The server's name as the docs and the command lines spell it.</summary>
    public static string DisplayName(this RedisServerKind kind) => kind switch
    {
        RedisServerKind.RedisServer => "redis-server",
        RedisServerKind.Garnet => "garnet",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind named <paramref name="name"/> (<c>redis-server</c> or <c>garnet</c>).</summary>
    public static RedisServerKind Parse(string name) => name switch
    {
        "redis-server" => RedisServerKind.RedisServer,
        "garnet" => RedisServerKind.Garnet,
        _ => throw new ArgumentException($"'{name}' is not redis-server or garnet.", nameof(name)),
    };
}
