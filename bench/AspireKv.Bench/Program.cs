using AspireKv.Bench;

// Measurements of a running AspireKv (defaults match `dotnet run --project AspireKv.AppHost`).
//   visibility [writes]                    how long until a write is readable on every backend
//   failover [seconds] [clients] [victim]  errors seen by clients while a backend is killed with SIGKILL
var command = args.FirstOrDefault();
var balancer = new Uri("http://localhost:4000");
Uri[] backends = [new("http://localhost:5001"), new("http://localhost:5002"), new("http://localhost:5003")];
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
return command switch
{
    "visibility" => await new VisibilityBenchmark(balancer, backends, Arguments.Int(args, 1, 500)).RunAsync(cancel.Token),
    "failover" => await new FailoverBenchmark(
        balancer,
        new Uri(Arguments.Text(args, 3, "http://localhost:5002")),
        TimeSpan.FromSeconds(Arguments.Int(args, 1, 10)),
        Arguments.Int(args, 2, 8)).RunAsync(cancel.Token),
    _ => Arguments.Usage(),
};
