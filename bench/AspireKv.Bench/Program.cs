using AspireKv.Bench;

// Usage: dotnet run --project bench/AspireKv.Bench -c Release -- visibility [writes] [balancer] [backend...]
// Defaults match `dotnet run --project AspireKv.AppHost`: balancer on 4000, backends on 5001-5003.
if (args.Length == 0 || args[0] != "visibility")
{
    Console.Error.WriteLine("usage: visibility [writes] [balancer-url] [backend-url...]");
    return 2;
}

var writes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
var balancer = new Uri(args.Length > 2 ? args[2] : "http://localhost:4000");
Uri[] backends = args.Length > 3
    ? [.. args[3..].Select(a => new Uri(a))]
    : [new("http://localhost:5001"), new("http://localhost:5002"), new("http://localhost:5003")];
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
return await new VisibilityBenchmark(balancer, backends, writes).RunAsync(cancel.Token);
