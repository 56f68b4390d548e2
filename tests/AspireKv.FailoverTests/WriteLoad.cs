using System.Collections.Concurrent;
using System.Net;
using AspireKv.Contracts;

namespace AspireKv.FailoverTests;

/// <summary>
/// Writers that keep putting new keys (each with its own idempotency key) until stopped, and record every answer:
/// the acknowledged writes with their versions, and every status seen.
/// </summary>
internal sealed class WriteLoad : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Value, string Version)> _acknowledged = new();
    private readonly ConcurrentBag<HttpStatusCode> _statuses = [];
    private readonly ConcurrentDictionary<string, HttpStatusCode> _answers = new();
    private readonly CancellationTokenSource _stop;
    private readonly List<Task> _writers;
    private int _acknowledgedSinceMark;
    private long _markedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private long _firstAcknowledgedAfterMark;

    public WriteLoad(HttpClient client, string prefix, int writers, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _writers = [.. Enumerable.Range(0, writers).Select(writer => Task.Run(() => WriteAsync(client, $"{prefix}-{writer}")))];
    }

    /// <summary>Every acknowledged write: key, value and the version it was given.</summary>
    public IReadOnlyDictionary<string, (byte[] Value, string Version)> Acknowledged => _acknowledged;

    /// <summary>What each key's write was answered.</summary>
    public IReadOnlyDictionary<string, HttpStatusCode> Answers => _answers;

    /// <summary>Every status answered so far.</summary>
    public IReadOnlyCollection<HttpStatusCode> Statuses => _statuses;

    /// <summary>Writes sent after the last <see cref="Mark"/> and acknowledged.</summary>
    public int AcknowledgedSinceMark => Volatile.Read(ref _acknowledgedSinceMark);

    /// <summary>
    /// From the last <see cref="Mark"/> to the acknowledgement of the first write sent after it; null while there is none.
    /// A write sent before the mark does not count: one already committed and replicated when the fault starts would
    /// make a failover look instant.
    /// </summary>
    public TimeSpan? TimeToFirstAcknowledgement => Interlocked.Read(ref _firstAcknowledgedAfterMark) is var at and > 0
        ? System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _markedAt), at)
        : null;

    /// <summary>Starts counting acknowledgements anew (when a fault starts, say).</summary>
    public void Mark()
    {
        Interlocked.Exchange(ref _markedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        Interlocked.Exchange(ref _firstAcknowledgedAfterMark, 0);
        Interlocked.Exchange(ref _acknowledgedSinceMark, 0);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WriteAsync(HttpClient client, string prefix)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var key = $"{prefix}-{i}";
            var value = System.Text.Encoding.UTF8.GetBytes(key);
            using var request = new HttpRequestMessage(HttpMethod.Put, KvRoutes.Key(key)) { Content = new ByteArrayContent(value) };
            request.Headers.Add(KvHeaders.IdempotencyKey, key);
            var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, _stop.Token);
                _statuses.Add(response.StatusCode);
                _answers[key] = response.StatusCode;
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    _acknowledged[key] = (value, response.Headers.ETag!.Tag);
                    if (sentAt >= Interlocked.Read(ref _markedAt))
                    {
                        Interlocked.CompareExchange(ref _firstAcknowledgedAfterMark, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
                        Interlocked.Increment(ref _acknowledgedSinceMark);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
