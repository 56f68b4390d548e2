namespace AspireKv.Backend.Replication;

/// <summary>
/// Lets a read wait until this replica has applied every write up to a version: how session reads (the
/// client's token) and strong reads (Redis's head) get data at least that new, whichever backend serves them.
/// </summary>
internal sealed class AppliedVersionWaiter : IDisposable
{
    private readonly Replica _replica;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<(long Version, TaskCompletionSource Done)> _waiting = [];
    private volatile int _count;

    public AppliedVersionWaiter(Replica replica, TimeProvider time)
    {
        _replica = replica;
        _time = time;
        _replica.AppliedVersionAdvanced += OnAdvanced;
    }

    /// <summary>True once every version up to <paramref name="version"/> is applied; false if that takes longer than <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(long version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_replica.AppliedVersion >= version)
        {
            return true;
        }

        var waiter = (version, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            _waiting.Add(waiter);
            _count = _waiting.Count;
        }

        try
        {
            // Checked again after registering: the version may have been applied in between.
            if (_replica.AppliedVersion >= version)
            {
                return true;
            }

            await waiter.Item2.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_lock)
            {
                _waiting.Remove(waiter);
                _count = _waiting.Count;
            }
        }
    }

    public void Dispose() => _replica.AppliedVersionAdvanced -= OnAdvanced;

    private void OnAdvanced(long applied)
    {
        // Runs on every applied write; most of the time nobody waits.
        if (_count == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var (version, done) in _waiting)
            {
                if (version <= applied)
                {
                    done.TrySetResult();
                }
            }
        }
    }
}
