using AspireKv.Backend;
using AspireKv.Backend.Redis;

var builder = WebApplication.CreateBuilder(StandaloneArguments.Expand(args));
builder.AddServiceDefaults();
builder.AddBackendServices();
builder.AddRedisReplication();

var app = builder.Build();
app.UseKeyValueBackend();
app.MapKeyValueBackend();
app.Run();
