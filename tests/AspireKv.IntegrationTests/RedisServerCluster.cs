namespace AspireKv.IntegrationTests;

/// <summary>The test classes that share the cluster on redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisServerCluster : ICollectionFixture<RedisServerAppFixture>
{
    public const string Name = "Cluster on redis-server";
}
