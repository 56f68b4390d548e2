namespace AspireKv.Chaos.Checking;

/// <summary>
/// Searches for an order of a history's operations that respects real time (an operation that answered before
/// another was invoked comes first) and that the model accepts: Wing and Gong's backtracking search, with Lowe's
/// improvement of remembering every (placed set, state) configuration already explored.
/// </summary>
/// <remarks>
/// The history is a doubly linked list of call and return events in time order. The search walks it from the
/// front: at a call it tries to place that operation next; if the model accepts and the configuration is new, it
/// unlinks the operation's two events and starts again from the front. Reaching a return means the operation it
/// belongs to should have been placed already, so the last placement is undone (relinked) and the walk continues
/// after it. Unlinking and relinking in stack order is what makes undoing cheap. An operation without a return
/// (a write of unknown outcome) never forces a backtrack, so the search may leave it out, which is exactly
/// "it had no effect, or took effect after everything else". Operations the model calls interchangeable are placed
/// only in call order (see <see cref="ILinearizationModel{TState}.EquivalenceClass"/>).
/// </remarks>
internal static class LinearizationSearch
{
    private const int Head = 0;
    private const int End = -1;

    public static SearchResult Run<TState>(ILinearizationModel<TState> model, IReadOnlyList<TimedCall> calls, long maxSteps)
        where TState : struct, IEquatable<TState>
    {
        var events = new EventList(calls);
        var placed = new LinearizedSet(calls.Count);
        var explored = new HashSet<Configuration<TState>>();
        var stack = new Stack<(int Index, TState Before)>();
        var required = calls.Count(call => call.Return is not null);
        var placedRequired = 0;
        var state = model.Initial;
        var previousInClass = PreviousInClass(model, calls);

        var longest = Array.Empty<int>();
        var stateAfterLongest = state;
        int? blocker = null;
        long steps = 0;

        var entry = events.Next(Head);
        while (true)
        {
            if (placedRequired == required)
            {
                return Result(SearchVerdict.Linearizable);
            }

            if (++steps > maxSteps)
            {
                return Result(SearchVerdict.Inconclusive);
            }

            // Only placed operations leave the list, so an unplaced one's return is met before the end.
            if (entry == End)
            {
                throw new InvalidOperationException("The walk passed every event with operations still unplaced.");
            }

            var index = events.OperationOf(entry);
            if (!events.IsReturn(entry))
            {
                var waits = previousInClass[index] >= 0 && !placed.Contains(previousInClass[index]);
                if (!waits && model.TryStep(state, index, out var next))
                {
                    placed.Add(index);
                    if (explored.Add(placed.With(next)))
                    {
                        stack.Push((index, state));
                        state = next;
                        events.Unlink(index);
                        placedRequired += calls[index].Return is null ? 0 : 1;
                        if (stack.Count > longest.Length)
                        {
                            longest = [.. stack.Select(frame => frame.Index).Reverse()];
                            stateAfterLongest = state;
                            blocker = null;
                        }

                        entry = events.Next(Head);
                        continue;
                    }

                    placed.Remove(index);
                }

                entry = events.Next(entry);
            }
            else
            {
                if (stack.Count == longest.Length && blocker is null)
                {
                    blocker = index;
                }

                if (stack.Count == 0)
                {
                    return Result(SearchVerdict.NotLinearizable);
                }

                var (undone, before) = stack.Pop();
                state = before;
                placed.Remove(undone);
                events.Relink(undone);
                placedRequired -= calls[undone].Return is null ? 0 : 1;
                entry = events.Next(events.CallOf(undone));
            }
        }

        SearchResult Result(SearchVerdict verdict) => new(verdict, longest, model.Describe(stateAfterLongest), blocker, steps);
    }

    /// <summary>For each operation, the one of its class called just before it (or -1): it may be placed only after that one.</summary>
    private static int[] PreviousInClass<TState>(ILinearizationModel<TState> model, IReadOnlyList<TimedCall> calls)
        where TState : struct, IEquatable<TState>
    {
        var previous = new int[calls.Count];
        var lastOfClass = new Dictionary<int, int>();
        foreach (var index in Enumerable.Range(0, calls.Count).OrderBy(i => calls[i].Call).ThenBy(i => i))
        {
            var equivalence = calls[index].Return is null ? model.EquivalenceClass(index) : -1;
            previous[index] = equivalence >= 0 ? lastOfClass.GetValueOrDefault(equivalence, -1) : -1;
            if (equivalence >= 0)
            {
                lastOfClass[equivalence] = index;
            }
        }

        return previous;
    }

    /// <summary>
    /// The call and return events, sorted by time, as a linked list over arrays. At equal times calls come first, so
    /// that an operation invoked at the instant another answered counts as concurrent with it: the clock cannot tell
    /// which came first, and the checker must not fail a history on a tie.
    /// </summary>
    private sealed class EventList
    {
        private readonly int[] _next;
        private readonly int[] _previous;
        private readonly int[] _operation;
        private readonly bool[] _isReturn;
        private readonly int[] _callEntry;
        private readonly int[] _returnEntry;

        public EventList(IReadOnlyList<TimedCall> calls)
        {
            var events = new List<(long Time, bool IsReturn, int Index)>();
            for (var i = 0; i < calls.Count; i++)
            {
                events.Add((calls[i].Call, false, i));
                if (calls[i].Return is { } returned)
                {
                    // An answer stamped before its request (a clock step) is taken as instantaneous, not as impossible.
                    events.Add((Math.Max(returned, calls[i].Call), true, i));
                }
            }

            events.Sort();
            var count = events.Count + 1;
            _next = new int[count];
            _previous = new int[count];
            _operation = new int[count];
            _isReturn = new bool[count];
            _callEntry = new int[calls.Count];
            _returnEntry = new int[calls.Count];
            Array.Fill(_returnEntry, End);
            for (var entry = 0; entry < count; entry++)
            {
                _previous[entry] = entry - 1;
                _next[entry] = entry + 1 < count ? entry + 1 : End;
                if (entry == Head)
                {
                    continue;
                }

                var (_, isReturn, index) = events[entry - 1];
                _operation[entry] = index;
                _isReturn[entry] = isReturn;
                if (isReturn)
                {
                    _returnEntry[index] = entry;
                }
                else
                {
                    _callEntry[index] = entry;
                }
            }
        }

        public int Next(int entry) => _next[entry];

        public int OperationOf(int entry) => _operation[entry];

        public bool IsReturn(int entry) => _isReturn[entry];

        public int CallOf(int index) => _callEntry[index];

        /// <summary>Takes an operation's events out of the list; each keeps its own links, so that <see cref="Relink"/> can put it back.</summary>
        public void Unlink(int index)
        {
            Remove(_callEntry[index]);
            if (_returnEntry[index] != End)
            {
                Remove(_returnEntry[index]);
            }
        }

        /// <summary>Undoes the last <see cref="Unlink"/>: in reverse order, so that every kept link is valid again.</summary>
        public void Relink(int index)
        {
            if (_returnEntry[index] != End)
            {
                Restore(_returnEntry[index]);
            }

            Restore(_callEntry[index]);
        }

        private void Remove(int entry)
        {
            _next[_previous[entry]] = _next[entry];
            if (_next[entry] != End)
            {
                _previous[_next[entry]] = _previous[entry];
            }
        }

        private void Restore(int entry)
        {
            _next[_previous[entry]] = entry;
            if (_next[entry] != End)
            {
                _previous[_next[entry]] = entry;
            }
        }
    }
}
