using System.Reflection;

namespace AspireKv.Chaos.Running;

/// <summary>Where the services to start are: the repository's root and the build configuration of this runner.</summary>
internal static class Repository
{
    /// <summary>The first folder above this program that holds AspireKv.sln.</summary>
    public static string Root
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "AspireKv.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("AspireKv.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Debug or Release, as this runner was built: the services were built alongside it.</summary>
    public static string Configuration =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value ?? "Release";
}
