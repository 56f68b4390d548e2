using System.ComponentModel;
using System.Diagnostics;

namespace AspireKv.AppHost;

/// <summary>
/// Asks whether a container runtime is actually running. Aspire's own check runs only after the model is
/// built, too late to choose between a Redis container and a local server, and the docker CLI can exist
/// without a daemon (as on our machines), so the CLI is asked for the server's version.
/// </summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool IsRunning()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") is { Length: > 0 } configured ? configured : "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // the CLI is not installed
        }
    }
}
