namespace AspireKv.Chaos.Checking;

/// <summary>A point the search has reached: which operations are placed, and the state they left. Two equal ones have the same future.</summary>
internal readonly struct Configuration<TState> : IEquatable<Configuration<TState>>
    where TState : struct, IEquatable<TState>
{
    private readonly ulong[] _words;
    private readonly ulong _hash;
    private readonly TState _state;

    /// <param name="words">The placed set's bits; the configuration owns the array.</param>
    /// <param name="hash">The placed set's hash, kept with it so that equality can fail fast.</param>
    /// <param name="state">The model's state.</param>
    public Configuration(ulong[] words, ulong hash, TState state)
    {
        _words = words;
        _hash = hash;
        _state = state;
    }

    public bool Equals(Configuration<TState> other) =>
        _hash == other._hash && _state.Equals(other._state) && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => obj is Configuration<TState> other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_hash, _state);
}
