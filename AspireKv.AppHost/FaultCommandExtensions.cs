using AspireKv.Contracts;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AspireKv.AppHost;

/// <summary>
/// Faults at one click: dashboard commands that inject each fault of the failure model (a backend crashed, hung,
/// cut off from Redis; Redis restarted empty; with replicas, a server or a Sentinel crashed, hung and resumed), so a person can watch the cluster panel and the traces react. The
/// same commands run from tests through the resource command service.
/// </summary>
internal static class FaultCommandExtensions
{
    public const string Crash = "crash";
    public const string Hang = "hang";
    public const string Resume = "resume";
    public const string CutOffRedis = "cut-off-redis";
    public const string ReconnectRedis = "reconnect-redis";
    public const string RestartEmpty = "restart-empty";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static IResourceBuilder<ProjectResource> WithBackendFaultCommands(
        this IResourceBuilder<ProjectResource> backend, IResourceBuilder<ParameterResource> clusterSecret)
    {
        // The process a hang stopped: while it is stopped it cannot say its process id, so it is kept here for resume.
        int? hungProcess = null;
        var endpoint = backend.GetEndpoint("http");

        backend.WithCommand(Crash, "Crash (kill -9)", async context =>
        {
            var processId = await ProcessIdAsync(endpoint, clusterSecret, context.CancellationToken).ConfigureAwait(false);
            using var process = Process.GetProcessById(processId);
            process.Kill();
            return CommandResults.Success();
        }, Options("Kills the backend's process with SIGKILL: no graceful shutdown, no deregistration.", "ErrorCircle", WhenRunning));

        backend.WithCommand(Hang, "Hang (SIGSTOP)", async context =>
        {
            var processId = await ProcessIdAsync(endpoint, clusterSecret, context.CancellationToken).ConfigureAwait(false);
            await SignalAsync("STOP", processId).ConfigureAwait(false);
            hungProcess = processId;
            return CommandResults.Success();
        }, Options("Freezes the backend with SIGSTOP: it keeps its connections but answers nothing.", "Pause", WhenRunning));

        backend.WithCommand(Resume, "Resume (SIGCONT)", async _ =>
        {
            if (hungProcess is not { } processId)
            {
                return CommandResults.Failure("The backend is not hung.");
            }

            await SignalAsync("CONT", processId).ConfigureAwait(false);
            hungProcess = null;
            return CommandResults.Success();
        }, Options("Lets a hung backend run again.", "Play", _ => hungProcess is null ? ResourceCommandState.Disabled : ResourceCommandState.Enabled));

        backend.WithCommand(CutOffRedis, "Cut off from Redis", context =>
            SendAsync(HttpMethod.Post, endpoint, clusterSecret, context.CancellationToken),
            Options("The backend loses Redis: its writes fail, its reads are marked stale, it misses every message.", "PlugDisconnected", WhenRunning));

        backend.WithCommand(ReconnectRedis, "Reconnect to Redis", context =>
            SendAsync(HttpMethod.Delete, endpoint, clusterSecret, context.CancellationToken),
            Options("Ends the cut: the backend catches up with what it missed.", "PlugConnected", WhenRunning));
        return backend;
    }

    /// <summary>
    /// Crash, Hang and Resume for a redis-server or redis-sentinel process of the replicated topology: the primary
    /// killed or hung while the Sentinels watch, a replica or a Sentinel lost. The process id comes from the server
    /// itself (<c>INFO server</c>), so the command hits whichever process serves that port now.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> WithProcessFaultCommands(
        this IResourceBuilder<ExecutableResource> process, int port, string password, bool sentinel)
    {
        int? hungProcess = null;
        process.WithCommand(Crash, "Crash (kill -9)", async _ =>
        {
            using var target = Process.GetProcessById(await RedisProcessIdAsync(port, password, sentinel).ConfigureAwait(false));
            target.Kill();
            return CommandResults.Success();
        }, Options("Kills the process with SIGKILL. Start it again with Start.", "ErrorCircle", WhenRunning));

        process.WithCommand(Hang, "Hang (SIGSTOP)", async _ =>
        {
            var processId = await RedisProcessIdAsync(port, password, sentinel).ConfigureAwait(false);
            await SignalAsync("STOP", processId).ConfigureAwait(false);
            hungProcess = processId;
            return CommandResults.Success();
        }, Options("Freezes the process with SIGSTOP: it keeps its connections but answers nothing.", "Pause", WhenRunning));

        process.WithCommand(Resume, "Resume (SIGCONT)", async _ =>
        {
            if (hungProcess is not { } processId)
            {
                return CommandResults.Failure("The process is not hung.");
            }

            await SignalAsync("CONT", processId).ConfigureAwait(false);
            hungProcess = null;
            return CommandResults.Success();
        }, Options("Lets a hung process run again.", "Play", _ => hungProcess is null ? ResourceCommandState.Disabled : ResourceCommandState.Enabled));
        return process;
    }

    /// <summary>Stops the server, deletes its files and starts it again: Redis restarted empty.</summary>
    public static IResourceBuilder<T> WithRestartEmptyCommand<T>(this IResourceBuilder<T> server, string dataDirectory)
        where T : IResource
    {
        var name = server.Resource.Name;
        return server.WithCommand(RestartEmpty, "Restart empty", async context =>
        {
            var commands = context.Services.GetRequiredService<ResourceCommandService>();
            var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
            var stopped = await commands.ExecuteCommandAsync(name, KnownResourceCommands.StopCommand, context.CancellationToken).ConfigureAwait(false);
            if (!stopped.Success)
            {
                return stopped;
            }

            await notifications.WaitForResourceAsync(
                name, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), context.CancellationToken).ConfigureAwait(false);
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            Directory.CreateDirectory(dataDirectory);
            return await commands.ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, context.CancellationToken).ConfigureAwait(false);
        }, Options("Stops the server, deletes its data and starts it again: the backends must write their data back.", "DeleteDismiss", WhenRunning));
    }

    private static CommandOptions Options(string description, string icon, Func<UpdateCommandStateContext, ResourceCommandState> state) =>
        new() { Description = description, IconName = icon, UpdateState = state };

    private static ResourceCommandState WhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<int> ProcessIdAsync(EndpointReference endpoint, IResourceBuilder<ParameterResource> secret, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(endpoint.Url), KvRoutes.AdminStatus));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await secret.Resource.GetValueAsync(cancellationToken).ConfigureAwait(false));
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var status = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        return status.RootElement.GetProperty("processId").GetInt32();
    }

    private static async Task<ExecuteCommandResult> SendAsync(
        HttpMethod method, EndpointReference endpoint, IResourceBuilder<ParameterResource> secret, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(endpoint.Url), KvRoutes.AdminRedisCutOff));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await secret.Resource.GetValueAsync(cancellationToken).ConfigureAwait(false));
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? CommandResults.Success()
            : CommandResults.Failure($"The backend answered {(int)response.StatusCode}.");
    }

    private static async Task<int> RedisProcessIdAsync(int port, string password, bool sentinel)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            Password = password,
            CommandMap = sentinel ? CommandMap.Sentinel : CommandMap.Default,
            // INFO is an admin command to StackExchange.Redis.
            AllowAdmin = true,
            ConnectTimeout = 2000,
        }).ConfigureAwait(false);
        var info = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("server").ConfigureAwait(false);
        return int.Parse(info.SelectMany(group => group).First(pair => pair.Key == "process_id").Value, CultureInfo.InvariantCulture);
    }

    private static async Task SignalAsync(string signal, int processId)
    {
        using var kill = Process.Start("kill", [$"-{signal}", processId.ToString(CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill could not be started.");
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }
}
