using System.Diagnostics;
using System.Globalization;
using AspireKv.Contracts;

namespace AspireKv.Bench;

/// <summary>
/// PUTs at a fixed offered rate through one address (open loop): write <c>i</c> is due at <c>i / rate</c> seconds
/// whether or not earlier writes have finished, and its latency counts from when it was due, so a stall shows in
/// the tail instead of slowing the load down (a closed loop such as wrk's hides it). Keys cycle over
/// <paramref name="keys"/> with 100-byte values, as bench/kv.lua does. Prints one line: offered and achieved rate,
/// p50, p99, max and errors.
/// </summary>
internal sealed class PacedWriteBenchmark(Uri target, string? secret, double rate, TimeSpan duration, int keys)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };
        if (secret is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        }

        var latencies = new List<TimeSpan>();
        var errors = 0;
        var interval = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var due = interval * i;
            // Read once: a second reading could fall between -2 and -1 ms, which Task.Delay takes for "infinite".
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"paced-{i % keys}");
            inFlight.Add(Task.Run(async () =>
            {
                var ok = false;
                try
                {
                    using var response = await http.PutAsync(new Uri(target, KvRoutes.Key(key)), new ByteArrayContent(new byte[100]), cancellationToken);
                    ok = response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }

                var latency = clock.Elapsed - due;
                lock (latencies)
                {
                    if (ok)
                    {
                        latencies.Add(latency);
                    }
                    else
                    {
                        errors++;
                    }
                }
            }, cancellationToken));
        }

        await Task.WhenAll(inFlight);
        var achieved = latencies.Count / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"offered {rate:0}/s achieved {achieved:0}/s {Percentiles.Describe(latencies)} errors={errors}"));
        return 0;
    }
}
