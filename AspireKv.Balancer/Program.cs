using AspireKv.Balancer;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBalancer();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapBalancer();
app.Run();
