namespace AspireKv.Backend.Expiry;

/// <summary>
/// This backend's estimate of Redis's clock, which alone decides when keys expire. Pure: it is fed samples of
/// Redis's <c>TIME</c> with the local monotonic timestamps the call was sent and answered at, and answers an
/// interval that holds Redis's time now.
/// </summary>
/// <remarks>
/// Redis read its clock somewhere between sending and answering, so a sample places Redis's time at the local
/// midpoint within half the round trip (plus the millisecond its answer is rounded to). The interval then widens
/// with the sample's age by <see cref="DriftRate"/>, a bound on how fast two clocks that are not stepped drift apart.
/// The sample kept is the one that gives the narrowest interval now, unless a new sample's interval does not overlap
/// the kept one's: then Redis's clock was stepped, or a failover put another server's clock in charge, and the new
/// sample is the only one that describes the clock that now decides. A sample older than <see cref="FreshFor"/> is
/// not a good estimate: readers say so (<c>X-Possibly-Stale</c>) instead of trusting it, as a backend cut off from
/// Redis cannot tell whether Redis's clock was stepped meanwhile.
/// </remarks>
internal sealed class RedisClock(TimeProvider time)
{
    /// <summary>How fast the two clocks may drift apart: 100 ppm, well above what unstepped quartz clocks do.</summary>
    public const double DriftRate = 1e-4;

    /// <summary>How long a sample stays a good estimate; samples are taken every second.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(5);

    // Written under the lock, read without it: a GET of an expiring key reads the clock, and must not queue for it.
    private readonly Lock _lock = new();
    private volatile Sample? _sample;

    /// <summary>Takes one sample: Redis answered <paramref name="redisMicroseconds"/> (since 1970) to a call sent and answered at these local timestamps.</summary>
    public void Observe(long sentTimestamp, long answeredTimestamp, long redisMicroseconds)
    {
        if (answeredTimestamp < sentTimestamp)
        {
            return;
        }

        var halfTrip = Milliseconds(answeredTimestamp - sentTimestamp) / 2;
        var sample = new Sample(sentTimestamp + ((answeredTimestamp - sentTimestamp) / 2), redisMicroseconds / 1000.0, halfTrip + 0.001);
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_sample is null || !sample.AgreesWith(_sample, now, this) || sample.ErrorAt(now, this) <= _sample.ErrorAt(now, this))
            {
                _sample = sample;
            }
        }
    }

    /// <summary>Redis's time now, as an interval; before the first sample, this machine's clock, not fresh.</summary>
    public RedisTime Now()
    {
        var sample = _sample;
        if (sample is null)
        {
            var local = time.GetUtcNow().ToUnixTimeMilliseconds();
            return new RedisTime(local, local, Fresh: false);
        }

        var now = time.GetTimestamp();
        var estimate = sample.EstimateAt(now, this);
        var error = sample.ErrorAt(now, this);
        return new RedisTime(
            (long)Math.Floor(estimate - error),
            (long)Math.Ceiling(estimate + error),
            Fresh: time.GetElapsedTime(sample.LocalTimestamp) <= FreshFor);
    }

    private double Milliseconds(long timestamps) => timestamps * 1000.0 / time.TimestampFrequency;

    private sealed record Sample(long LocalTimestamp, double RedisMilliseconds, double ErrorMilliseconds)
    {
        public double EstimateAt(long now, RedisClock clock) => RedisMilliseconds + clock.Milliseconds(now - LocalTimestamp);

        public double ErrorAt(long now, RedisClock clock) => ErrorMilliseconds + (Math.Abs(clock.Milliseconds(now - LocalTimestamp)) * DriftRate);

        /// <summary>True when both samples' intervals now overlap: they describe the same clock.</summary>
        public bool AgreesWith(Sample other, long now, RedisClock clock) =>
            Math.Abs(EstimateAt(now, clock) - other.EstimateAt(now, clock)) <= ErrorAt(now, clock) + other.ErrorAt(now, clock);
    }
}

/// <summary>An interval that holds Redis's time (milliseconds since 1970).</summary>
/// <param name="Earliest">Redis's clock has reached at least this.</param>
/// <param name="Latest">Redis's clock is at most this.</param>
/// <param name="Fresh">The interval comes from a recent sample, so it can be trusted.</param>
internal readonly record struct RedisTime(long Earliest, long Latest, bool Fresh)
{
    /// <summary>The middle of the interval.</summary>
    public long Estimate => Earliest + ((Latest - Earliest) / 2);

    /// <summary>True only when Redis's clock has certainly reached <paramref name="expiresAt"/>: a key is never hidden early.</summary>
    public bool HasCertainlyPassed(long expiresAt) => Earliest >= expiresAt;
}
