using AspireKv.Chaos.History;
using static System.FormattableString;

namespace AspireKv.Chaos.Checking;

/// <summary>
/// The sequential specification of one key: a register of (value, version) where every write gets a version greater
/// than every earlier one, deletes leave the key without a value, and conditional writes compare versions. It says,
/// for every answer an operation got, in which states that answer is possible.
/// </summary>
/// <remarks>
/// A write's version is known from its acknowledgement or from any read of its value; a write whose version
/// nothing revealed (one of unknown outcome, a delete no one acknowledged) may have any version not known to
/// belong to another write and higher than those already in effect.
/// </remarks>
internal sealed class RegisterModel : ILinearizationModel<RegisterState>
{
    private readonly IReadOnlyList<Operation> _operations;
    private readonly long?[] _version;
    private readonly int[] _source;
    private readonly int[] _class;
    private readonly IReadOnlySet<long> _claimed;

    /// <param name="operations">The key's operations, in the order the search names them.</param>
    /// <param name="catalog">What the whole history tells about writes and their versions.</param>
    /// <param name="claimed">Every version known to belong to some write, of any key.</param>
    public RegisterModel(IReadOnlyList<Operation> operations, WriteCatalog catalog, IReadOnlySet<long> claimed)
    {
        _operations = operations;
        _claimed = claimed;
        _version = [.. operations.Select(op => op.IsWrite ? catalog.KnownVersion(op) : null)];
        var indexOf = operations.Select((op, index) => (op, index)).ToDictionary(pair => pair.op.Id, pair => pair.index);
        _source = [.. operations.Select(op => op is { Kind: OperationKind.Read, Value: not null }
            && catalog.WriterOf(op.Key, op.Value) is { } writer
            && indexOf.TryGetValue(writer.Id, out var index) ? index : -1)];
        _class = Classify();
    }

    public RegisterState Initial => RegisterState.Initial;

    public int EquivalenceClass(int index) => _class[index];

    public bool TryStep(RegisterState state, int index, out RegisterState next)
    {
        var op = _operations[index];
        next = state;
        var takesEffect = op.Outcome is Outcome.Ok or Outcome.Unknown;
        return (op.Kind, op.Outcome) switch
        {
            (OperationKind.Read, Outcome.Ok) => _source[index] >= 0 && state.Last == _source[index]
                && (op.Version is not { } read || HasVersion(state, read)),
            (OperationKind.Read, Outcome.NotFound) => !HoldsValue(state),
            (OperationKind.Set, _) when takesEffect => Apply(state, index, out next),
            (OperationKind.Delete, Outcome.NotFound) => !HoldsValue(state),
            (OperationKind.Delete, _) when takesEffect => HoldsValue(state) && Apply(state, index, out next),
            (OperationKind.Create, Outcome.PreconditionFailed) => HoldsValue(state) && ReportedVersionFits(state, op),
            (OperationKind.Create, _) when takesEffect => !HoldsValue(state) && Apply(state, index, out next),
            // If-Match needs a current value: a deleted key fails it even at its tombstone's version.
            (OperationKind.ConditionalSet, Outcome.PreconditionFailed) => op.ExpectedVersion is { } refused
                && (!HoldsValue(state) || MayLackVersion(state, refused)) && ReportedVersionFits(state, op),
            (OperationKind.ConditionalSet, _) when takesEffect => op.ExpectedVersion is { } expected
                && HoldsValue(state) && HasVersion(state, expected) && Apply(state, index, out next),

            // The checker leaves out every other pairing (a 412 to a plain Set, say) and reports it.
            _ => false,
        };
    }

    public string Describe(RegisterState state)
    {
        switch (state.Last)
        {
            case RegisterState.Never:
                return "nothing (never written)";
            case RegisterState.UnseenValue:
                return "the value of a write of unknown outcome that no strong read saw";
            case RegisterState.UnseenDelete:
                return "nothing (deleted by a delete of unknown outcome)";
            default:
                var last = _operations[state.Last];
                var version = OperationText.VersionText(_version[state.Last]);
                return last.Kind == OperationKind.Delete
                    ? Invariant($"nothing (deleted by op {last.Id}, {version})")
                    : Invariant($"{OperationText.Quote(last.Value)} (op {last.Id}, {version})");
        }
    }

    /// <summary>
    /// Writes of unknown outcome whose version nothing revealed and whose value no strong read returned differ only
    /// in their preconditions: those with the same kind (and expected version) are interchangeable.
    /// </summary>
    private int[] Classify()
    {
        var read = _source.Where(source => source >= 0).ToHashSet();
        var classes = new Dictionary<(OperationKind Kind, long? Expected), int>();
        var result = new int[_operations.Count];
        for (var index = 0; index < _operations.Count; index++)
        {
            var op = _operations[index];
            result[index] = op is { IsWrite: true, Outcome: Outcome.Unknown } && _version[index] is null && !read.Contains(index)
                ? classes.TryGetValue((op.Kind, op.ExpectedVersion), out var existing) ? existing : classes[(op.Kind, op.ExpectedVersion)] = classes.Count
                : -1;
        }

        return result;
    }

    private bool HoldsValue(RegisterState state) => state.Last switch
    {
        RegisterState.Never or RegisterState.UnseenDelete => false,
        RegisterState.UnseenValue => true,
        _ => _operations[state.Last].Kind != OperationKind.Delete,
    };

    /// <summary>The version of the key's last write, when known (0 before any write).</summary>
    private long? VersionOf(RegisterState state) => state.Last switch
    {
        RegisterState.Never => 0,
        < 0 => null,
        _ => _version[state.Last],
    };

    /// <summary>
    /// Whether the key's current version can be <paramref name="version"/>: certainly if the last write's version is
    /// known, possibly if it is unknown and the version is free and newer than everything in effect before it.
    /// </summary>
    private bool HasVersion(RegisterState state, long version) => VersionOf(state) is { } known
        ? known == version
        : version > state.MaxVersion && !_claimed.Contains(version);

    /// <summary>Whether the key's current version can differ from <paramref name="version"/>: anything but a known equal one.</summary>
    private bool MayLackVersion(RegisterState state, long version) => VersionOf(state) is not { } known || known != version;

    /// <summary>A 412 may report the current version; if it does, that must be the state's.</summary>
    private bool ReportedVersionFits(RegisterState state, Operation refused) =>
        refused.Version is not { } current || HasVersion(state, current);

    /// <summary>The write takes effect: it must be newer than every write already in effect, when its version is known.</summary>
    private bool Apply(RegisterState state, int index, out RegisterState next)
    {
        if (_version[index] is { } version)
        {
            next = new RegisterState(index, version);
            return version > state.MaxVersion;
        }

        var last = _class[index] < 0 ? index
            : _operations[index].Kind == OperationKind.Delete ? RegisterState.UnseenDelete : RegisterState.UnseenValue;
        next = state with { Last = last };
        return true;
    }
}
