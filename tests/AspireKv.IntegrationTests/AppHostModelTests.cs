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
}
