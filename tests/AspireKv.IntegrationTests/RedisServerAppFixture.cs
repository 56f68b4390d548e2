namespace AspireKv.IntegrationTests;

/// <summary>The cluster on Debian's redis-server, started by the AppHost as an executable.</summary>
public sealed class RedisServerAppFixture : AspireKvAppFixture
{
    protected override string RedisMode => "redis-server";

    public override string RedisServerResource => "redis-server";
}
