namespace AspireKv.Chaos.Checking;

/// <summary>How a linearization search ended.</summary>
internal enum SearchVerdict
{
    /// <summary>An order was found that respects real time and the model.</summary>
    Linearizable,

    /// <summary>Every order was tried (up to pruning) and none fits.</summary>
    NotLinearizable,

    /// <summary>The step budget ran out first: the history is neither passed nor failed, and must not count as passed.</summary>
    Inconclusive,
}
