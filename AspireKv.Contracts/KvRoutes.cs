namespace AspireKv.Contracts;

/// <summary>Paths of the AspireKv HTTP API, shared by the services and their clients.</summary>
public static class KvRoutes
{
    /// <summary>The public key-value API: <c>/kv/{key}</c>. The only prefix the balancer forwards.</summary>
    public const string KeyValuePrefix = "/kv";

    /// <summary>
    /// The query parameter of a <c>PUT</c> that makes the key expire: decimal seconds after the write is committed, at
    /// least <see cref="KvLimits.MinTimeToLive"/>. A later write without it clears the expiry.
    /// </summary>
    public const string TimeToLiveParameter = "ttl";

    /// <summary>The change stream: Server-Sent Events of every write, resumable with <c>Last-Event-ID</c>.</summary>
    public const string Watch = "/watch";

    /// <summary>A backend's own replication state (<see cref="NodeStatus"/>).</summary>
    public const string AdminStatus = "/admin/status";

    /// <summary>A backend's content digest (<see cref="StoreDigest"/>), to compare replicas from outside.</summary>
    public const string AdminDigest = "/admin/digest";

    /// <summary>What a backend knows of its peers (<see cref="PeerStatus"/>).</summary>
    public const string AdminPeers = "/admin/peers";

    /// <summary>
    /// A backend's whole store at one version: <c>GET</c> streams a snapshot file, <c>PUT</c> seeds an empty cluster from
    /// one (<see cref="SnapshotRestored"/>). Behind the cluster secret; the balancer does not forward it.
    /// </summary>
    public const string AdminSnapshot = "/admin/snapshot";

    /// <summary>Query parameter of <c>PUT</c> <see cref="AdminSnapshot"/>: <c>true</c> replaces the data of a cluster that holds some.</summary>
    public const string SnapshotForceParameter = "force";

    /// <summary>Query parameter of <c>PUT</c> <see cref="AdminSnapshot"/>: how far past the snapshot's versions new writes begin.</summary>
    public const string SnapshotBumpParameter = "bump";

    /// <summary>A simulated cut from Redis: <c>POST</c> cuts, <c>DELETE</c> reconnects (fault injection, behind the cluster secret).</summary>
    public const string AdminRedisCutOff = "/admin/faults/redis-cutoff";

    /// <summary>The OpenAPI description of the public API (<c>/openapi/v1.json</c>), forwarded by the balancer.</summary>
    public const string OpenApiPrefix = "/openapi";

    /// <summary>The route template of the OpenAPI document.</summary>
    public const string OpenApiDocument = OpenApiPrefix + "/{documentName}.json";

    /// <summary>The interactive API reference page (<c>/scalar/v1</c>), forwarded by the balancer.</summary>
    public const string ApiReferencePrefix = "/scalar";

    /// <summary>The balancer's registry of backends.</summary>
    public const string Registry = "/registry";

    /// <summary>The path of one key.</summary>
    public static string Key(string key) => $"{KeyValuePrefix}/{Uri.EscapeDataString(key)}";
}
