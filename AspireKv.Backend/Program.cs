using AspireKv.Backend;

var builder = WebApplication.CreateBuilder(StandaloneArguments.Expand(args));
builder.AddServiceDefaults();
builder.AddKeyValueBackend();

var app = builder.Build();
app.UseKeyValueBackend();
app.MapKeyValueBackend();
app.Run();
