using System.Text.Json.Serialization;

namespace AspireKv.Backend.Membership;

/// <summary>What every backend publishes about itself every second on the status channel.</summary>
/// <param name="Name">The backend's name.</param>
/// <param name="Address">Where it serves, if known.</param>
/// <param name="Ready">Whether it is caught up and takes traffic.</param>
/// <param name="AppliedVersion">Every write up to this version is applied there.</param>
/// <param name="HeadVersion">The highest version it has seen.</param>
/// <param name="Keys">Live keys it holds.</param>
internal sealed record PeerAnnouncement(string Name, string? Address, bool Ready, long AppliedVersion, long HeadVersion, long Keys);

/// <summary>Source-generated JSON for the status channel.</summary>
[JsonSerializable(typeof(PeerAnnouncement))]
internal sealed partial class MembershipJsonContext : JsonSerializerContext;
