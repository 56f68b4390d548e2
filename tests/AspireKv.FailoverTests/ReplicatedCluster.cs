namespace AspireKv.FailoverTests;

/// <summary>The test classes that share the cluster on the replicated topology.</summary>
[CollectionDefinition(Name)]
public sealed class ReplicatedCluster : ICollectionFixture<ReplicatedAppFixture>
{
    public const string Name = "Cluster on replicated redis-server";
}
