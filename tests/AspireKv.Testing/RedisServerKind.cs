namespace AspireKv.Testing;

/// <summary>The Redis-compatible servers AspireKv ships with, as the tests start them.</summary>
public enum RedisServerKind
{
    /// <summary>Debian's redis-server.</summary>
    RedisServer,

    /// <summary>Microsoft Garnet, in the build of <c>AspireKv.GarnetHost</c>.</summary>
    Garnet,
}
