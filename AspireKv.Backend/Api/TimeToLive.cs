using System.Globalization;
using AspireKv.Contracts;
using Microsoft.Extensions.Primitives;

namespace AspireKv.Backend.Api;

/// <summary>Parses a write's time to live (<see cref="KvRoutes.TimeToLiveParameter"/>, decimal seconds). Pure, so every case is unit-tested.</summary>
internal static class TimeToLive
{
    /// <summary>Absent is valid (the key never expires); otherwise one decimal number of seconds within the limits.</summary>
    public static bool TryParse(StringValues text, out TimeSpan? timeToLive, out string? error)
    {
        timeToLive = null;
        error = null;
        if (text.Count == 0)
        {
            return true;
        }

        var min = KvLimits.MinTimeToLive.TotalSeconds;
        var max = KvLimits.MaxTimeToLive.TotalSeconds;
        if (text.Count > 1
            || !decimal.TryParse(text[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || seconds < (decimal)min
            || seconds > (decimal)max)
        {
            error = $"{KvRoutes.TimeToLiveParameter} must be one number of seconds from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (for example {KvRoutes.TimeToLiveParameter}=30 or {KvRoutes.TimeToLiveParameter}=0.5).";
            return false;
        }

        timeToLive = TimeSpan.FromMilliseconds((double)Math.Ceiling(seconds * 1000));
        return true;
    }
}
