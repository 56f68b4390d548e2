using System.Reflection;
using AspireKv.Testing;

namespace AspireKv.Chaos.Running;

/// <summary>Where the services to start are: the repository's root and the build configuration of this runner.</summary>
internal static class Repository
{
    /// <summary>The folder that holds AspireKv.sln, above this program.</summary>
    public static string Root => ProcessCluster.FindRepositoryRoot();

    /// <summary>Debug or Release, as this runner was built: the services were built alongside it.</summary>
    public static string Configuration =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value ?? "Release";
}
