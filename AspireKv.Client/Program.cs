using AspireKv.Client;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddKeyValueClient();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapKeyValueClient();
app.Run();
