using System.ComponentModel.DataAnnotations;

namespace AspireKv.Backend.Registration;

/// <summary>How a backend registers with the balancer (configuration section <c>Registration</c>).</summary>
internal sealed class RegistrationOptions
{
    public const string SectionName = "Registration";

    /// <summary>Whether to register at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The balancer's base URL. The AppHost sets it; standalone it is the classic <c>http://localhost:4000</c>.</summary>
    [Required]
    public Uri BalancerUrl { get; set; } = new("http://localhost:4000");

    /// <summary>How often the registration is renewed. The balancer drops one that is not renewed in time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(2);
}
