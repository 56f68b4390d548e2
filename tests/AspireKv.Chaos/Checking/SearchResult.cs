namespace AspireKv.Chaos.Checking;

/// <summary>What a linearization search found, with what a reader needs to see where a history goes wrong.</summary>
/// <param name="Verdict">How it ended.</param>
/// <param name="LongestPrefix">The operations (indexes) of the longest order found that fits, in that order.</param>
/// <param name="StateAfterPrefix">The model's state after them, in words.</param>
/// <param name="Blocker">
/// The operation (index) that answered before it could be placed after that longest order, when one was seen:
/// on a failure, the first operation to look at.
/// </param>
/// <param name="Steps">How many steps the search took.</param>
internal sealed record SearchResult(SearchVerdict Verdict, IReadOnlyList<int> LongestPrefix, string StateAfterPrefix, int? Blocker, long Steps);
