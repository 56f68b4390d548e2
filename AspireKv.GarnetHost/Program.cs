using AspireKv.GarnetHost;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddGarnetServer();
builder.Build().Run();
