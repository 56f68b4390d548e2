namespace AspireKv.Chaos.Checking;

/// <summary>
/// A sequential specification the linearization search checks a history against: the state before any operation,
/// and whether an operation, applied to a state, could have produced the answer it got. Operations are named by
/// their index in the list given to the search, so that the model can precompute what it needs per operation.
/// </summary>
/// <typeparam name="TState">A small value: the search keeps every state it has seen, to prune revisits.</typeparam>
internal interface ILinearizationModel<TState>
    where TState : struct, IEquatable<TState>
{
    TState Initial { get; }

    /// <summary>Whether operation <paramref name="index"/> can take effect in <paramref name="state"/>, and the state after.</summary>
    bool TryStep(TState state, int index, out TState next);

    /// <summary>
    /// Operations of the same class (a non-negative number; -1 for none) are interchangeable: without a return, with
    /// the same preconditions and the same resulting state. The search then places them only in call order, which
    /// loses nothing (the earlier-called one can stand wherever a later one could) and spares it from trying every
    /// subset of them: with a few writes of unknown outcome that no one observed, that is the difference between
    /// milliseconds and never.
    /// </summary>
    int EquivalenceClass(int index);

    /// <summary>The state in words, for a violation line.</summary>
    string Describe(TState state);
}
