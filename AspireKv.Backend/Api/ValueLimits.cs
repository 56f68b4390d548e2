using System.ComponentModel.DataAnnotations;
using AspireKv.Contracts;

namespace AspireKv.Backend.Api;

/// <summary>Limits of the key-value API (configuration section <c>KeyValue</c>).</summary>
internal sealed class ValueLimits
{
    public const string SectionName = "KeyValue";

    /// <summary>The largest value accepted, in bytes; larger ones get 413.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxValueBytes { get; set; } = KvLimits.DefaultMaxValueBytes;
}
