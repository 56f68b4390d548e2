namespace AspireKv.Contracts;

/// <summary>One backend as another backend sees it from the status announcements (<c>GET /admin/peers</c>).</summary>
/// <param name="Name">The peer's name.</param>
/// <param name="Address">Where it serves.</param>
/// <param name="Alive">True when it was heard from within the liveness window (3 s).</param>
/// <param name="Ready">Whether it said it is caught up.</param>
/// <param name="AppliedVersion">Every write up to this version is applied there.</param>
/// <param name="Behind">How many versions it is behind the newest version any backend has seen.</param>
/// <param name="Keys">Live keys it holds.</param>
/// <param name="SecondsSinceHeard">How long ago its last announcement arrived.</param>
public sealed record PeerStatus(string Name, string? Address, bool Alive, bool Ready, long AppliedVersion, long Behind, long Keys, double SecondsSinceHeard);
