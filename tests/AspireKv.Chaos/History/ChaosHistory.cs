namespace AspireKv.Chaos.History;

/// <summary>A fault that was injected, and when (microseconds since the run started, as operations).</summary>
/// <param name="Kind">What was done (see <c>FaultKind</c>).</param>
/// <param name="Target">The process it was done to (a backend's name, <c>redis</c> or <c>balancer</c>).</param>
/// <param name="StartedAt">When the fault began.</param>
/// <param name="EndedAt">When it was healed (the process restarted, resumed or reconnected).</param>
/// <param name="RecoveredAt">When the cluster was whole again afterwards (every backend ready, a write and a strong
/// read through the balancer succeeded); null if it did not recover in time.</param>
public sealed record FaultEvent(string Kind, string Target, long StartedAt, long EndedAt, long? RecoveredAt = null);

/// <summary>What one key holds on one backend at the end of a run, read directly from it once all are ready and idle.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value, or null when the key holds none.</param>
/// <param name="Version">The value's version (its ETag), or null when the key holds none.</param>
public sealed record FinalEntry(string Key, string? Value, long? Version);

/// <summary>A backend's state at the end of a run.</summary>
/// <param name="Backend">Its name.</param>
/// <param name="Digest">Its <c>/admin/digest</c> digest of its whole content.</param>
/// <param name="AppliedVersion">Its applied version.</param>
/// <param name="Entries">Every key of the history, as this backend holds it.</param>
public sealed record ReplicaSnapshot(string Backend, string Digest, long AppliedVersion, IReadOnlyList<FinalEntry> Entries);

/// <summary>Everything a run recorded: the checkers read only this.</summary>
/// <param name="Seed">The seed the run used: the same seed gives the same faults and the same client choices.</param>
/// <param name="Operations">Every client operation.</param>
/// <param name="Faults">Every fault, in order.</param>
/// <param name="Final">Each backend's state after the run.</param>
/// <param name="Redis">The Redis server the run used (redis-server or Garnet); null in histories written before there was a choice.</param>
public sealed record ChaosHistory(int Seed, IReadOnlyList<Operation> Operations, IReadOnlyList<FaultEvent> Faults, IReadOnlyList<ReplicaSnapshot> Final, string? Redis = null);
