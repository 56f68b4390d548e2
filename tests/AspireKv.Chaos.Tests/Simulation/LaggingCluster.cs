namespace AspireKv.Chaos.Tests.Simulation;

/// <summary>
/// A leader that applies every write at once and a follower that gets each write a fixed number of ticks later,
/// in order: the smallest cluster in which a read served by the wrong replica returns something stale.
/// </summary>
internal sealed class LaggingCluster(int lagTicks)
{
    private readonly Queue<(int DueAt, ReplicationMessage Message)> _inFlight = new();
    private long _lastVersion;
    private int _now;

    public SimulatedReplica Leader { get; } = new("leader");

    public SimulatedReplica Follower { get; } = new("follower");

    /// <summary>One tick passes: the follower applies what is due.</summary>
    public void Tick()
    {
        _now++;
        while (_inFlight.TryPeek(out var due) && due.DueAt <= _now)
        {
            Follower.Apply(_inFlight.Dequeue().Message);
        }
    }

    /// <summary>Writes a value (or, with null, deletes) and returns the write's version; null for a delete of nothing, which changes nothing.</summary>
    public long? Write(string key, string? value)
    {
        if (value is null && Leader.Read(key).Value is null)
        {
            return null;
        }

        var message = new ReplicationMessage(key, value, ++_lastVersion);
        Leader.Apply(message);
        _inFlight.Enqueue((_now + lagTicks, message));
        return message.Version;
    }
}
