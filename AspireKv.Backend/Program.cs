using AspireKv.Backend;
using AspireKv.Backend.Api;

var builder = WebApplication.CreateBuilder(StandaloneArguments.Expand(args));
builder.AddServiceDefaults();
builder.AddKeyValueBackend();

var app = builder.Build();
app.UseKeyValueBackend();
app.MapDefaultEndpoints();
app.MapKeyValueApi();
app.MapWatchApi();
app.MapAdminApi();
app.MapApiDescription();
app.Run();
