namespace AspireKv.IntegrationTests;

/// <summary>The cluster on the embedded Garnet server, as on a machine without Docker, with the web client.</summary>
public sealed class GarnetAppFixture : AspireKvAppFixture
{
    protected override string RedisMode => "garnet";

    public override string RedisServerResource => "garnet";

    protected override bool WithClient => true;
}
