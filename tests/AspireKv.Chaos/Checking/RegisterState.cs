namespace AspireKv.Chaos.Checking;

/// <summary>
/// The state of one key in the register model: which write took effect last, and the highest version of any write
/// that has taken effect, because versions come from one increasing sequence and writes take effect in version order.
/// </summary>
/// <param name="Last">
/// The index of the last write to take effect; or <see cref="Never"/> for the initial state (no value, version 0);
/// or, when the last write is one of the interchangeable writes of unknown outcome that nothing observed, which
/// kind it was (<see cref="UnseenValue"/>, <see cref="UnseenDelete"/>), since which one it was makes no difference.
/// </param>
/// <param name="MaxVersion">The highest known version among the writes that took effect (0 initially).</param>
internal readonly record struct RegisterState(int Last, long MaxVersion)
{
    public const int Never = -1;
    public const int UnseenValue = -2;
    public const int UnseenDelete = -3;

    public static readonly RegisterState Initial = new(Never, 0);
}
