using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public async Task InlineScheduling_ReachesKestrelsSocketTransport(string? setting, bool expected)
    {
        string[] args = setting is null
            ? ["--Cluster:Secret", "test"]
            : ["--Cluster:Secret", "test", "--Balancer:InlineScheduling", setting];
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBalancer();

        await using var app = builder.Build();

        Assert.Equal(expected, app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }
}
