namespace AspireKv.Contracts;

/// <summary>HTTP header names of the AspireKv API.</summary>
public static class KvHeaders
{
    /// <summary>Set by every backend on every response: the name of the backend that answered.</summary>
    public const string ServedBy = "X-Served-By";
}
