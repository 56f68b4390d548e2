using AspireKv.Bench;
using AspireKv.Testing;

// Measurements of AspireKv; every figure in the docs comes from here.
//   visibility [writes]                    against a running AppHost: how long until a write is readable on every backend
//   failover [seconds] [clients] [victim]  against a running AppHost: errors seen by clients while a backend is killed
//   catchup [writes]                       self-contained: a backend that missed writes catches up (needs redis-server)
//   lag [seconds] [percent] [preload]      self-contained: replication lag at a share (default 50 %) of the maximum write throughput,
//                                          optionally after writing <preload> keys first;
//                                          BACKEND_<NAME>=<value> in the environment sets <NAME> for the backends only
//   consistency [reads]                    self-contained: latency and throughput of local, session and strong reads
//   memory [keys]                          self-contained: backend memory per stored key (100-byte values)
//   allocations <trace.nettrace> [top] [type]  the types a process allocated most, from a gc-verbose trace
//                                          (bench/profile.sh); with a type, the stacks that allocated it most
//   populate <backend-url> <count>          writes keys bench-0 … bench-<count-1> (100 bytes each), for wrk runs
//   paced <url> <rate> [seconds] [keys]     PUTs at a fixed offered rate (open loop), latency from when each was due;
//                                          ASPIREKV_CLUSTER_SECRET, when set, is sent as the bearer token
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
    "catchup" => await new CatchUpBenchmark(ProcessCluster.FindRepositoryRoot(), Arguments.Int(args, 1, 100_000)).RunAsync(),
    "consistency" => await new ConsistencyBenchmark(ProcessCluster.FindRepositoryRoot(), Arguments.Int(args, 1, 5_000)).RunAsync(),
    "lag" => await new LagBenchmark(ProcessCluster.FindRepositoryRoot(), TimeSpan.FromSeconds(Arguments.Int(args, 1, 10)), Arguments.Int(args, 2, 50), Arguments.Int(args, 3, 0)).RunAsync(),
    "memory" => await new MemoryBenchmark(ProcessCluster.FindRepositoryRoot(), Arguments.Int(args, 1, 1_000_000)).RunAsync(),
    "allocations" => AllocationReport.Run(Arguments.Text(args, 1, "trace.nettrace"), Arguments.Int(args, 2, 15), args.Length > 3 ? args[3] : null),
    "populate" => await PopulateCommand.RunAsync(new Uri(Arguments.Text(args, 1, "http://localhost:5001")), Arguments.Int(args, 2, 10_000)),
    "paced" => await new PacedWriteBenchmark(
        new Uri(Arguments.Text(args, 1, "http://localhost:4000")),
        Environment.GetEnvironmentVariable("ASPIREKV_CLUSTER_SECRET"),
        Arguments.Int(args, 2, 1_000),
        TimeSpan.FromSeconds(Arguments.Int(args, 3, 10)),
        Arguments.Int(args, 4, 10_000)).RunAsync(cancel.Token),
    _ => Arguments.Usage(),
};

