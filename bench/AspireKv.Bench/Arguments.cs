using System.Globalization;

namespace AspireKv.Bench;

/// <summary>Positional arguments with defaults.</summary>
internal static class Arguments
{
    public static int Int(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

    public static string Text(string[] args, int index, string fallback) => args.Length > index ? args[index] : fallback;

    public static int Usage()
    {
        Console.Error.WriteLine("usage: visibility [writes] | failover [seconds] [clients] [victim-url] | catchup [writes] | lag [seconds] [percent-of-maximum] | consistency [reads] | memory [keys] | populate <url> <count> | paced <url> <rate> [seconds] [keys]");
        return 2;
    }
}
