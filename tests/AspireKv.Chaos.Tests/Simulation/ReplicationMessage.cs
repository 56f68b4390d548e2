namespace AspireKv.Chaos.Tests.Simulation;

/// <summary>One replicated write as a replica receives it: a value, or a tombstone (null value), with its global version.</summary>
internal sealed record ReplicationMessage(string Key, string? Value, long Version);
