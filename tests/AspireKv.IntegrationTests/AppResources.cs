using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AspireKv.IntegrationTests;

/// <summary>The running application's resources as a test drives them: their states, their commands, and waits on both.</summary>
public sealed class AppResources(DistributedApplication app)
{
    /// <summary>Runs a resource command (start, stop, restart, a fault command) and fails the test if it does not succeed.</summary>
    public async Task ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        Assert.True(result.Success, $"'{command}' on {resource} failed: {result.Message}");
    }

    /// <summary>Waits until a resource has stopped running.</summary>
    public Task WaitUntilStoppedAsync(string resource, CancellationToken cancellationToken) =>
        app.ResourceNotifications.WaitForResourceAsync(
            resource,
            resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text),
            cancellationToken);

    /// <summary>
    /// Waits until a resource is healthy. The orchestrator can report a resource that is only passing through a
    /// state as failed: right after a start or restart, before the new instance reports any state, and when a
    /// launch fails with no output from the process (FailedToStart). Neither says anything about AspireKv, so a
    /// first failure is followed by one more start (if the launch failed) and a wait that rides out passing states
    /// until the deadline, each said on the test output. A resource still not healthy by the deadline fails the
    /// test with its state and last log lines.
    /// </summary>
    public async Task WaitHealthyAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
            return;
        }
        catch (DistributedApplicationException)
        {
            Console.Error.WriteLine($"Waiting for {resource} once more after the orchestrator gave up on it. {await DescribeAsync(resource)}");
            if (StateOf(resource) == KnownResourceStates.FailedToStart)
            {
                await ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
            }
        }
        catch (OperationCanceledException exception)
        {
            throw new InvalidOperationException($"{resource} did not become healthy: {exception.Message}{Environment.NewLine}{await DescribeAsync(resource)}", exception);
        }

        try
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);
        }
        catch (OperationCanceledException exception)
        {
            throw new InvalidOperationException($"{resource} did not become healthy: {exception.Message}{Environment.NewLine}{await DescribeAsync(resource)}", exception);
        }
    }

    /// <summary>Whether the resource has stopped (exited, finished, failed to start).</summary>
    public bool IsStopped(string resource) => StateOf(resource) is { } state && KnownResourceStates.TerminalStates.Contains(state);

    /// <summary>Whether the resource runs or is on its way to running.</summary>
    public bool IsRunningOrStarting(string resource) =>
        StateOf(resource) is { } state
        && (state == KnownResourceStates.Running || state == KnownResourceStates.Starting || state == KnownResourceStates.Waiting);

    /// <summary>Whether the resource runs now.</summary>
    public bool IsRunning(string resource) => StateOf(resource) == KnownResourceStates.Running;

    private string? StateOf(string resource) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.State?.Text : null;

    /// <summary>A resource's state, exit code and last log lines, for the message of a failed wait.</summary>
    public async Task<string> DescribeAsync(string resource)
    {
        if (!app.ResourceNotifications.TryGetCurrentState(resource, out var current))
        {
            return $"{resource}: no state reported.";
        }

        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var logs = app.Services.GetRequiredService<ResourceLoggerService>();
            await foreach (var batch in logs.GetAllAsync(current.ResourceId).WithCancellation(deadline.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
            lines.Add("(log backlog not complete after 5 s)");
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            lines.Add($"(logs not readable: {exception.Message})"); // never hide the failure being described
        }

        return $"{resource} ({current.ResourceId}): state {current.Snapshot.State?.Text}, exit code {current.Snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}; "
            + $"last log lines:{Environment.NewLine}{string.Join(Environment.NewLine, lines.TakeLast(40))}";
    }
}
