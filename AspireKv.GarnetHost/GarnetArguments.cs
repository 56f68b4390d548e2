using System.Globalization;

namespace AspireKv.GarnetHost;

/// <summary>Turns <see cref="GarnetHostOptions"/> into Garnet's command line.</summary>
internal static class GarnetArguments
{
    public static string[] From(GarnetHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> args =
        [
            "--port", options.Port.ToString(CultureInfo.InvariantCulture),
            "--bind", options.Bind,
            // The write path is a Lua script (see the backend's CommitScript).
            "--lua", "true",
            // Without it Garnet runs scripts concurrently with each other, and a script's reads and writes can
            // interleave with another's. With it a script locks the keys passed in KEYS (every key our scripts
            // touch: a rule their tests check) for its whole run, so that it is atomic.
            "--lua-transaction-mode", "true",
            // Garnet's native Linux device needs libaio, which a fresh Debian machine lacks; plain files work everywhere.
            "--device-type", "RandomAccess",
            "--logger-level", "Warning",
        ];
        if (!string.IsNullOrEmpty(options.Password))
        {
            args.AddRange(["--auth", "Password", "--password", options.Password]);
        }

        if (!string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            args.AddRange(
            [
                "--checkpointdir", options.DataDirectory,
                "--recover",
                "--aof",
                "--aof-commit-freq", options.AofCommitFrequencyMs.ToString(CultureInfo.InvariantCulture),
            ]);
            if (options.AofCommitWait)
            {
                args.AddRange(["--aof-commit-wait", "true"]);
            }
        }

        return [.. args];
    }
}
