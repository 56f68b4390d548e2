namespace AspireKv.Balancer.Registry;

/// <summary>Lets lapsed registrations go, every second.</summary>
internal sealed class RegistryMaintenanceService(BackendRegistry registry, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            registry.ExpireRegistrations();
        }
    }
}
