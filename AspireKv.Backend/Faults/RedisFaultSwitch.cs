using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Faults;

/// <summary>
/// Simulates this backend being cut off from Redis, for people who want to watch the cluster react (a dashboard
/// command) and for tests: while cut, every call to Redis fails as if the network were down and every message
/// that arrives is lost. Reconnecting then behaves like a real reconnection: the backend catches up.
/// </summary>
internal sealed class RedisFaultSwitch
{
    private volatile bool _cutOff;

    /// <summary>True while the simulated cut lasts.</summary>
    public bool CutOff => _cutOff;

    /// <summary>Raised when the cut ends.</summary>
    public event Action? Reconnected;

    public void Cut() => _cutOff = true;

    public void Reconnect()
    {
        if (_cutOff)
        {
            _cutOff = false;
            Reconnected?.Invoke();
        }
    }

    /// <summary>Throws as an unreachable Redis would, while cut.</summary>
    public void ThrowIfCutOff()
    {
        if (_cutOff)
        {
            throw new ReplicationUnavailableException("This backend is cut off from Redis (a simulated fault; reconnect it from the dashboard).");
        }
    }
}
