using System.Diagnostics;

namespace AspireKv.Backend.Diagnostics;

/// <summary>The backend's activity source and the names of its spans and attributes.</summary>
internal static class BackendTelemetry
{
    /// <summary>The name of the backend's activity source and meter.</summary>
    public const string Name = TelemetryNames.Prefix + ".Backend";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>The messaging system named in spans; OpenTelemetry registers no value for Redis pub/sub.</summary>
    public const string MessagingSystem = "redis";

    /// <summary>The span of a commit's <c>WAIT</c>: from the commit's answer until enough replicas confirmed it.</summary>
    public const string ReplicaWaitSpan = "WAIT replicas";

    /// <summary>How many replicas the commit waits for.</summary>
    public const string ReplicasRequiredTag = "aspirekv.replicas.required";

    /// <summary>How many replicas confirmed the commit when <c>WAIT</c> returned.</summary>
    public const string ReplicasAcknowledgedTag = "aspirekv.replicas.acknowledged";

    /// <summary>How many commits shared the <c>WAIT</c> (a group sent together on the commit connection).</summary>
    public const string CommitGroupTag = "aspirekv.replicas.commit_group";

    /// <summary>The destination named in publish and process spans.</summary>
    public const string ReplicationDestination = "replication";
}
