using System.Globalization;

namespace AspireKv.FailoverTests;

/// <summary>
/// Appends how long a fault kept writes from being acknowledged to the file named by <c>ASPIREKV_FAILOVER_TIMES</c>,
/// when it is set (bench/failover.sh reads it). A figure, never an assertion: timings vary with the machine.
/// </summary>
internal static class FailoverTimes
{
    public const string FileVariable = "ASPIREKV_FAILOVER_TIMES";

    public static void Record(string scenario, TimeSpan? untilFirstAcknowledgement)
    {
        if (Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } file && untilFirstAcknowledgement is { } elapsed)
        {
            File.AppendAllText(file, string.Create(CultureInfo.InvariantCulture, $"{scenario} {elapsed.TotalMilliseconds:0}{Environment.NewLine}"));
        }
    }
}
