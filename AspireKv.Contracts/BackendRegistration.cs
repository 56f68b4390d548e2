namespace AspireKv.Contracts;

/// <summary>What a backend sends to the balancer to register or renew itself (every two seconds).</summary>
/// <param name="Name">The backend's name, as it reports in <see cref="KvHeaders.ServedBy"/>.</param>
/// <param name="Address">The base URL the balancer forwards to, for example <c>http://localhost:5001</c>.</param>
/// <param name="AppliedVersion">Every write up to this version is applied on the backend.</param>
/// <param name="HeadVersion">The highest version the backend has seen; the balancer measures lag against the highest of these.</param>
/// <param name="Keys">Live keys the backend holds.</param>
/// <param name="Redis">The Redis servers as the backend last saw them, for the cluster panel.</param>
public sealed record BackendRegistration(string Name, string Address, long AppliedVersion = 0, long HeadVersion = 0, long Keys = 0, RedisServersStatus? Redis = null);
