using System.Text.Json.Serialization;

namespace AspireKv.Chaos.History;

/// <summary>The history file's format: readable JSON, enums by name, so a failed run can be read and replayed into the checkers.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChaosHistory))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
