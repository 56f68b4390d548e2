using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Faults;
using AspireKv.Backend.Membership;
using AspireKv.Backend.Node;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireKv.Backend.Api;

/// <summary>
/// A backend's replication state, for operators, tests and the web client. Not forwarded by the balancer.
/// </summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        // Replication state is cluster state: only callers with the cluster secret may read it.
        var admin = app.MapGroup(string.Empty).WithTags("Admin").RequireClusterSecret().ExcludeFromDescription();
        admin.MapGet(KvRoutes.AdminStatus, GetStatus).WithName(nameof(GetStatus));
        admin.MapGet(KvRoutes.AdminDigest, GetDigest).WithName(nameof(GetDigest));
        admin.MapGet(KvRoutes.AdminPeers, GetPeers).WithName(nameof(GetPeers));
        admin.MapGet(KvRoutes.AdminSnapshot, SnapshotApi.SaveSnapshot).WithName(nameof(SnapshotApi.SaveSnapshot));
        admin.MapPut(KvRoutes.AdminSnapshot, SnapshotApi.RestoreSnapshot).WithName(nameof(SnapshotApi.RestoreSnapshot));
        admin.MapPost(KvRoutes.AdminRedisCutOff, CutOffFromRedis).WithName(nameof(CutOffFromRedis));
        admin.MapDelete(KvRoutes.AdminRedisCutOff, ReconnectToRedis).WithName(nameof(ReconnectToRedis));
        return app;
    }

    public static NodeStatus GetStatus(Replica replica, ReplicationStatus status, NodeIdentity node, RedisServersView redis)
    {
        var applied = replica.AppliedVersion;
        var head = status.HeadVersion;
        return new NodeStatus(
            node.Name,
            status.Ready,
            status.RedisConnected,
            applied,
            head,
            Math.Max(0, head - applied),
            replica.Store.LiveKeyCount,
            status.FullResyncs,
            status.Restoring,
            status.Restores,
            status.Epoch,
            Environment.ProcessId,
            redis.Current);
    }

    /// <summary>Simulates losing Redis (fault injection for demonstrations and tests).</summary>
    public static NoContent CutOffFromRedis(RedisFaultSwitch faults)
    {
        faults.Cut();
        return TypedResults.NoContent();
    }

    /// <summary>Ends a simulated loss of Redis; the backend catches up as after a real reconnection.</summary>
    public static NoContent ReconnectToRedis(RedisFaultSwitch faults)
    {
        faults.Reconnect();
        return TypedResults.NoContent();
    }

    public static IReadOnlyList<PeerStatus> GetPeers(PeerTable peers, ReplicationStatus status) => peers.Snapshot(status.HeadVersion);

    public static StoreDigest GetDigest(Replica replica)
    {
        // Read the version first: the content can only be newer than it, never older.
        var applied = replica.AppliedVersion;
        return new StoreDigest(replica.Store.LiveKeyCount, applied, StoreDigestCalculator.Compute(replica.Store.Entries));
    }
}
