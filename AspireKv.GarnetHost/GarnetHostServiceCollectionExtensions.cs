namespace AspireKv.GarnetHost;

/// <summary>Registers the embedded server.</summary>
internal static class GarnetHostServiceCollectionExtensions
{
    /// <summary>The environment variable the AppHost sets to the port it allocated.</summary>
    public const string PortVariable = "GARNET_PORT";

    public static IHostApplicationBuilder AddGarnetServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GarnetHostOptions>()
            .BindConfiguration(GarnetHostOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.Port = configuration.GetValue(PortVariable, options.Port))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<GarnetService>();
        return builder;
    }
}
