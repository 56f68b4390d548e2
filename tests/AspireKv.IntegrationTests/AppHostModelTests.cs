using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AspireKv.IntegrationTests;

/// <summary>The AppHost's model, built and not started: what it declares, checked without running anything.</summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task NoProject_ServesHttpsOrAsksForTheDevelopmentCertificate()
    {
        // Aspire opens the dashboard with a certificate error on every page when any resource would use TLS and no
        // trusted development certificate exists, which is the case on every machine AspireKv is meant for.
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireKv_AppHost>(
            ["Redis:Mode=garnet", "AspireKv:FixedPorts=false"], TestContext.Current.CancellationToken);

        var projects = builder.Resources.OfType<ProjectResource>().ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project =>
        {
            Assert.DoesNotContain(project.Annotations.OfType<EndpointAnnotation>(), endpoint => endpoint.UriScheme == "https");
#pragma warning disable ASPIRECERTIFICATES001 // evaluation API, the one the AppHost sets
            Assert.True(
                project.TryGetLastAnnotation<HttpsCertificateAnnotation>(out var certificate) && certificate.UseDeveloperCertificate == false && certificate.Certificate is null,
                $"{project.Name} would be given the development certificate.");
#pragma warning restore ASPIRECERTIFICATES001
        });
    }

    [Fact]
    public async Task ReplicatedTopology_DeclaresThreeServersAndThreeSentinels_AndTheBackendsAskTheSentinels()
    {
        var data = Directory.CreateTempSubdirectory("aspirekv-model-");
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireKv_AppHost>(
                ["Redis:Mode=redis-server", "Redis:Topology=replicated", "AspireKv:FixedPorts=false", $"Redis:DataDirectory={data.FullName}"],
                TestContext.Current.CancellationToken);

            var names = builder.Resources.Select(resource => resource.Name).ToHashSet();
            Assert.Superset(new HashSet<string> { "redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3" }, names);
            var connection = builder.Resources.OfType<IResourceWithConnectionString>().Single(resource => resource.Name == AspireKv.Contracts.ConnectionNames.Redis);
            Assert.Contains("serviceName=aspirekv", connection.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(data.FullName, "replicated"), "redis.conf", SearchOption.AllDirectories)
                .Count(file => File.ReadAllText(file).Contains("replicaof 127.0.0.1", StringComparison.Ordinal)));
            // Each server and each Sentinel has the dashboard's fault commands.
            var processes = builder.Resources.OfType<ExecutableResource>()
                .Where(resource => resource.Name.StartsWith("redis-", StringComparison.Ordinal) || resource.Name.StartsWith("sentinel-", StringComparison.Ordinal))
                .ToList();
            Assert.Equal(6, processes.Count);
            foreach (var resource in processes)
            {
                Assert.Superset(
                    new HashSet<string> { "crash", "hang", "resume" },
                    resource.Annotations.OfType<ResourceCommandAnnotation>().Select(command => command.Name).ToHashSet());
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RedisServer_WithTheTopologyLeftOnAuto_RunsReplicated()
    {
        // The test command installs redis-sentinel (scripts/install-prerequisites.sh), so auto takes the replicated topology.
        var data = Directory.CreateTempSubdirectory("aspirekv-model-");
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireKv_AppHost>(
                ["Redis:Mode=redis-server", "AspireKv:FixedPorts=false", $"Redis:DataDirectory={data.FullName}"],
                TestContext.Current.CancellationToken);

            var names = builder.Resources.Select(resource => resource.Name).ToHashSet();
            Assert.Superset(new HashSet<string> { "redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3" }, names);
            Assert.DoesNotContain("redis-server", names);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ReplicatedTopology_OnGarnet_IsRefusedWithTheReason()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireKv_AppHost>(
            ["Redis:Mode=garnet", "Redis:Topology=replicated", "AspireKv:FixedPorts=false"], TestContext.Current.CancellationToken));

        Assert.Contains("Garnet has no Sentinel", refused.ToString(), StringComparison.Ordinal);
    }
}
