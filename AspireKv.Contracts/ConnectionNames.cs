namespace AspireKv.Contracts;

/// <summary>Names of the connection strings the AppHost gives the services.</summary>
public static class ConnectionNames
{
    /// <summary>The Redis (or Garnet) every write goes through: <c>ConnectionStrings:redis</c>.</summary>
    public const string Redis = "redis";
}
