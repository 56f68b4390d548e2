using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireKv.Contracts;

/// <summary>Source-generated JSON for every contract type, in the web defaults (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BackendRegistration))]
[JsonSerializable(typeof(RegisteredBackend))]
[JsonSerializable(typeof(IReadOnlyList<RegisteredBackend>))]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(StoreDigest))]
[JsonSerializable(typeof(SnapshotRestored))]
[JsonSerializable(typeof(PeerStatus))]
[JsonSerializable(typeof(KeyPage))]
[JsonSerializable(typeof(ChangeEvent))]
[JsonSerializable(typeof(IReadOnlyList<PeerStatus>))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
