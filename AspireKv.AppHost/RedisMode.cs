namespace AspireKv.AppHost;

/// <summary>Which Redis-compatible server the AppHost starts (setting <c>Redis:Mode</c>).</summary>
internal enum RedisMode
{
    /// <summary>A Redis container when a container runtime answers, else redis-server when installed, else Garnet (<see cref="RedisChoice"/>).</summary>
    Auto,

    /// <summary><c>Aspire.Hosting.Redis</c>: the official Redis image. Needs Docker or Podman.</summary>
    Container,

    /// <summary>Microsoft Garnet, hosted by the AspireKv.GarnetHost project. Needs nothing installed.</summary>
    Garnet,

    /// <summary>Debian's <c>redis-server</c> as an executable. Needs <c>apt-get install redis-server</c>.</summary>
    RedisServer,
}
