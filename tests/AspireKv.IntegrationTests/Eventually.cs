namespace AspireKv.IntegrationTests;

/// <summary>Waits for a condition with a deadline, never with a fixed sleep.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task<T> ReturnsAsync<T>(string what, TimeSpan timeout, Func<CancellationToken, Task<T?>> probe, CancellationToken cancellationToken)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe(deadline.Token) is { } result)
                {
                    return result;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !deadline.IsCancellationRequested))
            {
                last = exception;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
            }

            if (deadline.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.", last);
            }

            try
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task HoldsAsync(string what, TimeSpan timeout, Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken) =>
        ReturnsAsync(what, timeout, async token => await condition(token) ? string.Empty : null, cancellationToken);
}
