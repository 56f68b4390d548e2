namespace AspireKv.Chaos.History;

/// <summary>What a client asked for.</summary>
public enum OperationKind
{
    /// <summary>PUT without a precondition.</summary>
    Set,

    /// <summary>DELETE without a precondition.</summary>
    Delete,

    /// <summary>PUT with <c>If-Match: "&lt;ExpectedVersion&gt;"</c>.</summary>
    ConditionalSet,

    /// <summary>PUT with <c>If-None-Match: *</c>: only if the key holds no value.</summary>
    Create,

    /// <summary>GET at the operation's <see cref="Operation.Consistency"/>.</summary>
    Read,
}

/// <summary>The consistency a read asked for.</summary>
public enum Consistency
{
    Local,
    Session,
    Strong,
}

/// <summary>How an operation ended, as far as the client can tell.</summary>
public enum Outcome
{
    /// <summary>2xx: a write took effect (with <see cref="Operation.Version"/>), a read returned <see cref="Operation.Value"/>.</summary>
    Ok,

    /// <summary>404: a read found no value; a delete found no value and changed nothing.</summary>
    NotFound,

    /// <summary>412: a conditional write was refused and changed nothing (<see cref="Operation.Version"/> is the current version when known).</summary>
    PreconditionFailed,

    /// <summary>Refused without effect: a 4xx, or a backend's 503 that says nothing was written. A failed read observed nothing.</summary>
    Failed,

    /// <summary>No definite answer (timeout, connection lost, 502/504): a write may or may not have taken effect, at any time after its invocation.</summary>
    Unknown,
}

/// <summary>
/// One operation of the history, recorded by the client that ran it. Times are microseconds since the run
/// started, on one clock. Every write of a value writes a value no other operation writes, so a value read
/// identifies the write that produced it.
/// </summary>
/// <param name="Id">Unique within the history.</param>
/// <param name="Client">The client (a sequential process) that ran it.</param>
/// <param name="Kind">What was asked.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value written (Set, ConditionalSet, Create), or the value read (Read with <see cref="Outcome.Ok"/>).</param>
/// <param name="ExpectedVersion">ConditionalSet's <c>If-Match</c> version.</param>
/// <param name="Consistency">A read's consistency.</param>
/// <param name="MinVersion">A session read's token (<c>X-Min-Version</c>): the highest version the client had seen when it asked.</param>
/// <param name="InvokedAt">When the request was sent.</param>
/// <param name="CompletedAt">When the answer (or the failure) arrived.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Version">The key's version from the answer's ETag: the write's version, the version read, or the current one on 412.</param>
/// <param name="AppliedVersion">The answering backend's <c>X-Applied-Version</c>, when present.</param>
/// <param name="ServedBy">The answering backend's <c>X-Served-By</c>, when present.</param>
/// <param name="Status">The HTTP status, when an answer arrived.</param>
/// <param name="Error">What went wrong, for anything but a 2xx.</param>
public sealed record Operation(
    int Id,
    int Client,
    OperationKind Kind,
    string Key,
    string? Value,
    long? ExpectedVersion,
    Consistency Consistency,
    long? MinVersion,
    long InvokedAt,
    long CompletedAt,
    Outcome Outcome,
    long? Version,
    long? AppliedVersion,
    string? ServedBy,
    int? Status,
    string? Error)
{
    public bool IsWrite => Kind != OperationKind.Read;

    /// <summary>A write whose effect may be part of the history: acknowledged, or of unknown outcome.</summary>
    public bool MayHaveWritten => IsWrite && Outcome is Outcome.Ok or Outcome.Unknown;
}
