namespace AspireKv.Chaos.Checking;

/// <summary>
/// When an operation was in flight, which is all the linearization search needs to know about real time: it must
/// take effect between <paramref name="Call"/> and <paramref name="Return"/>.
/// </summary>
/// <param name="Call">When it was invoked.</param>
/// <param name="Return">
/// When it answered, or null for an operation that may take effect at any time after its call or never (a write of
/// unknown outcome): the search does not have to place it at all.
/// </param>
internal readonly record struct TimedCall(long Call, long? Return);
