namespace AspireKv.Backend.Replication;

/// <summary>
/// Tracks which versions a replica has applied, as the highest contiguous version plus the versions seen
/// above it. Every version of the global sequence belongs to exactly one committed write, so a version
/// missing below one that arrived is a write this replica has not seen yet: a gap to fill from the log.
/// </summary>
internal sealed class VersionWatermark
{
    private readonly Lock _lock = new();
    private readonly SortedSet<long> _ahead = [];
    private long _contiguous;

    /// <summary>Every version up to and including this one has been applied.</summary>
    public long Contiguous
    {
        get
        {
            lock (_lock)
            {
                return _contiguous;
            }
        }
    }

    /// <summary>The highest version applied, contiguous or not.</summary>
    public long Highest
    {
        get
        {
            lock (_lock)
            {
                return _ahead.Count > 0 ? _ahead.Max : _contiguous;
            }
        }
    }

    /// <summary>The first version not yet applied while a later one was, or null when there is no gap.</summary>
    public long? FirstMissing
    {
        get
        {
            lock (_lock)
            {
                return _ahead.Count > 0 ? _contiguous + 1 : null;
            }
        }
    }

    /// <summary>Records that <paramref name="version"/> has been applied; true when <see cref="Contiguous"/> moved.</summary>
    public bool Observe(long version)
    {
        lock (_lock)
        {
            if (version <= _contiguous)
            {
                return false;
            }

            if (version == _contiguous + 1)
            {
                _contiguous = version;
                DrainContiguous();
                return true;
            }

            _ahead.Add(version);
            return false;
        }
    }

    /// <summary>
    /// Records that everything up to <paramref name="version"/> is reflected, as after loading the durable
    /// copy that held every write up to that version. True when <see cref="Contiguous"/> moved.
    /// </summary>
    public bool AdvanceTo(long version)
    {
        lock (_lock)
        {
            if (version <= _contiguous)
            {
                return false;
            }

            _contiguous = version;
            _ahead.RemoveWhere(v => v <= version);
            DrainContiguous();
            return true;
        }
    }

    private void DrainContiguous()
    {
        while (_ahead.Count > 0 && _ahead.Min == _contiguous + 1)
        {
            _contiguous = _ahead.Min;
            _ahead.Remove(_contiguous);
        }
    }
}
