namespace AspireKv.Chaos.Checking;

/// <summary>
/// The set of operations the search has placed so far, as a bitset with a running hash, so that a configuration
/// (this set and the model's state) can be remembered and recognised cheaply: the search prunes every configuration
/// it has already explored, which is what keeps it from trying the same orders again and again.
/// </summary>
internal sealed class LinearizedSet(int count)
{
    private readonly ulong[] _words = new ulong[(count + 63) / 64];
    private ulong _hash;

    public void Add(int index) => Toggle(index);

    public void Remove(int index) => Toggle(index);

    public bool Contains(int index) => (_words[index >> 6] & (1UL << (index & 63))) != 0;

    /// <summary>A copy of the set, paired with a state, to keep in the cache.</summary>
    public Configuration<TState> With<TState>(TState state)
        where TState : struct, IEquatable<TState> => new([.. _words], _hash, state);

    private void Toggle(int index)
    {
        _words[index >> 6] ^= 1UL << (index & 63);
        _hash ^= Mix((ulong)index);
    }

    /// <summary>SplitMix64's finalizer: a fixed, well-spread key per operation, so that the set's hash is the XOR of its members' keys.</summary>
    private static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
