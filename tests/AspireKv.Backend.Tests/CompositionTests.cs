using Microsoft.Extensions.Configuration;
using AspireKv.Backend.Redis;
using StackExchange.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireKv.Backend.Tests;

/// <summary>The backend's services resolve: no missing registration, no cycle, valid options. Nothing connects.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task BackendServicesOnRedis_BuildAndValidateEveryService()
    {
        var builder = WebApplication.CreateBuilder(["--ConnectionStrings:redis", "127.0.0.1:1,abortConnect=false", "--Node:Name", "backend-test", "--Cluster:Secret", "test", "--Replication:SigningKey", "key"]);
        builder.Host.UseDefaultServiceProvider(options =>
        {
            options.ValidateOnBuild = true;
            options.ValidateScopes = true;
        });
        builder.AddServiceDefaults();
        builder.AddBackendServices();
        builder.AddRedisReplication();

        await using var app = builder.Build();

        Assert.Equal("backend-test", app.Services.GetRequiredService<Node.NodeIdentity>().Name);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public void RedisConnection_CompletesOnTheThreadPoolUnlessTurnedOff(string? setting, bool onThreadPool)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(setting is null ? [] : [KeyValuePair.Create<string, string?>("Replication:RedisOnThreadPool", setting)])
            .Build();
        var options = ConfigurationOptions.Parse("127.0.0.1:1");

        RedisServiceCollectionExtensions.ConfigureRedis(options, configuration);

        Assert.Equal(onThreadPool, ReferenceEquals(options.SocketManager, SocketManager.ThreadPool));
        Assert.Equal(BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Fact]
    public async Task Start_WithoutClusterSecret_IsRefused()
    {
        var builder = WebApplication.CreateBuilder(["--ConnectionStrings:redis", "127.0.0.1:1,abortConnect=false", "--urls", "http://127.0.0.1:0"]);
        builder.AddServiceDefaults();
        builder.AddBackendServices();
        builder.AddRedisReplication();
        await using var app = builder.Build();

        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Cluster:Secret", refused.Message, StringComparison.Ordinal);
    }
}
