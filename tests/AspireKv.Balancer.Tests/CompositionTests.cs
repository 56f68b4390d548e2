using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireKv.Balancer.Tests;

/// <summary>The balancer's services resolve: no missing registration, no cycle, valid options.</summary>
public sealed class CompositionTests
{
    [Theory]
    [InlineData("RoundRobin")]
    [InlineData("LagAware")]
    [InlineData("PowerOfTwoChoices")]
    public async Task AddBalancer_BuildsAndValidatesEveryService(string policy)
    {
        var builder = WebApplication.CreateBuilder(["--Balancer:LoadBalancingPolicy", policy, "--Cluster:Secret", "test"]);
        builder.Host.UseDefaultServiceProvider(options =>
        {
            options.ValidateOnBuild = true;
            options.ValidateScopes = true;
        });
        builder.AddServiceDefaults();
        builder.AddBalancer();

        await using var app = builder.Build();

        Assert.NotNull(app.Services.GetRequiredService<AspireKv.Balancer.Registry.BackendRegistry>());
    }
}
