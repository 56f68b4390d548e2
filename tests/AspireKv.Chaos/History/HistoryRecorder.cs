namespace AspireKv.Chaos.History;

/// <summary>Collects the operations the clients complete, from many threads, and numbers them.</summary>
internal sealed class HistoryRecorder
{
    private readonly Lock _lock = new();
    private readonly List<Operation> _operations = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _operations.Count;
            }
        }
    }

    public void Record(Operation operation)
    {
        lock (_lock)
        {
            _operations.Add(operation with { Id = _operations.Count + 1 });
        }
    }

    public IReadOnlyList<Operation> Snapshot()
    {
        lock (_lock)
        {
            return [.. _operations];
        }
    }
}
