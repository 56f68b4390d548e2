namespace AspireKv.Contracts;

/// <summary>Limits of the AspireKv API that clients, the balancer and the backends must agree on.</summary>
public static class KvLimits
{
    /// <summary>
    /// The largest value a backend accepts unless configured otherwise (<c>KeyValue:MaxValueBytes</c>); the
    /// balancer buffers request bodies up to this size so that it can resend them to another backend.
    /// </summary>
    public const int DefaultMaxValueBytes = 1024 * 1024;

    /// <summary>How long a write made with an <see cref="KvHeaders.IdempotencyKey"/> is remembered: a retry within it is answered, not applied again.</summary>
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromMinutes(10);

    /// <summary>The shortest time to live a write may ask for (<see cref="KvRoutes.TimeToLiveParameter"/>).</summary>
    public static readonly TimeSpan MinTimeToLive = TimeSpan.FromSeconds(0.1);

    /// <summary>The longest time to live a write may ask for: ten years, far beyond any lease or session.</summary>
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(3650);
}
