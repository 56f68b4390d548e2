namespace AspireKv.Contracts;

/// <summary>What a backend sends to the balancer to register or renew itself.</summary>
/// <param name="Name">The backend's name, as it reports in <see cref="KvHeaders.ServedBy"/>.</param>
/// <param name="Address">The base URL the balancer forwards to, for example <c>http://localhost:5001</c>.</param>
public sealed record BackendRegistration(string Name, string Address);
