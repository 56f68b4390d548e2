using System.Globalization;

namespace AspireKv.Backend;

/// <summary>
/// The classic way to start a backend: <c>dotnet run --project AspireKv.Backend -- 5001</c>. A leading port
/// number becomes the listen URL and the node name; every other argument passes through unchanged.
/// </summary>
internal static class StandaloneArguments
{
    public static string[] Expand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return args;
        }

        var portText = port.ToString(CultureInfo.InvariantCulture);
        return ["--urls", $"http://localhost:{portText}", "--Node:Name", $"backend-{portText}", .. args[1..]];
    }
}
