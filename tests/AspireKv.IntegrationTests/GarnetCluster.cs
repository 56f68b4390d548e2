namespace AspireKv.IntegrationTests;

/// <summary>The test classes that share the cluster on Garnet.</summary>
[CollectionDefinition(Name)]
public sealed class GarnetCluster : ICollectionFixture<GarnetAppFixture>
{
    public const string Name = "Cluster on Garnet";
}
