namespace AspireKv.Contracts;

/// <summary>
/// A summary of a backend's whole content (<c>GET /admin/digest</c>). Two replicas hold the same keys,
/// values and versions exactly when their digests are equal (up to hash collisions).
/// </summary>
/// <param name="Keys">Live keys held.</param>
/// <param name="AppliedVersion">Every write up to this version has been applied.</param>
/// <param name="Digest">An order-independent hash of every key, version, value and tombstone, in hex.</param>
public sealed record StoreDigest(long Keys, long AppliedVersion, string Digest);
