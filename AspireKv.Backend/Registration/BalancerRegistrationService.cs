using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Node;
using AspireKv.Backend.Replication;
using AspireKv.Contracts;
using Microsoft.Extensions.Options;

namespace AspireKv.Backend.Registration;

/// <summary>
/// Registers this backend with the balancer once it is ready, renews the registration while it runs and
/// withdraws it on a graceful stop. A backend that dies without withdrawing simply stops renewing, and the
/// balancer lets the registration lapse.
/// </summary>
internal sealed class BalancerRegistrationService(
    IHttpClientFactory httpClientFactory,
    NodeIdentity node,
    ReplicationStatus status,
    Replica replica,
    RedisServersView redisServers,
    IOptions<RegistrationOptions> options,
    TimeProvider time,
    ILogger<BalancerRegistrationService> logger) : BackgroundService
{
    /// <summary>The name of the HTTP client that talks to the balancer.</summary>
    public const string HttpClientName = "balancer-registration";

    private static readonly TimeSpan DeregisterTimeout = TimeSpan.FromSeconds(2);
    private readonly RegistrationOptions _options = options.Value;
    private bool _registered;
    private string? _lastFailure;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled || node.PublicUrl is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.RenewInterval, time);
        do
        {
            if (status.Ready)
            {
                await RenewAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_registered)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DeregisterTimeout);
        try
        {
            var http = httpClientFactory.CreateClient(HttpClientName);
            using var response = await http.DeleteAsync(RegistrationUri(), timeout.Token).ConfigureAwait(false);
            Log.Deregistered(logger);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // The registration lapses on its own when it is not renewed.
            Log.RegistrationFailed(logger, _options.BalancerUrl, exception.Message);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var registration = new BackendRegistration(
            node.Name, node.PublicUrl!.ToString(), replica.AppliedVersion, status.HeadVersion, replica.Store.LiveKeyCount, redisServers.Current);
        try
        {
            var http = httpClientFactory.CreateClient(HttpClientName);
            using var response = await http.PutAsJsonAsync(
                RegistrationUri(), registration, ContractsJsonContext.Default.BackendRegistration, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            if (!_registered)
            {
                Log.Registered(logger, _options.BalancerUrl, registration.Name, registration.Address);
            }

            _registered = true;
            _lastFailure = null;
        }
        // Any failure, not only HttpRequestException: a renewal must never stop the backend. When the balancer was
        // killed while a connection was being made, HttpClient threw a bare SocketException ("Transport endpoint is
        // not connected", from reading the new socket's remote end point), which ended this BackgroundService and,
        // with it, the whole backend (chaos seed 14).
#pragma warning disable CA1031 // Catch a more specific exception type: see above.
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // Log a failure once, not every renewal, while the balancer stays unreachable.
            if (_lastFailure != exception.Message)
            {
                Log.RegistrationFailed(logger, _options.BalancerUrl, exception.Message);
                _lastFailure = exception.Message;
            }
        }
    }

    private Uri RegistrationUri() => new(_options.BalancerUrl, $"{KvRoutes.Registry}/{Uri.EscapeDataString(node.Name)}");
}
