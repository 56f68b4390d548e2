using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireKv.IntegrationTests;

/// <summary>
/// Writes what every resource prints to a file of its own under the directory named by <c>ASPIREKV_TEST_LOGS</c>,
/// when it is set: the logs a failed cluster test leaves to diagnose it with. The app host forwards each resource's
/// output to its own logging, under the category <c>{AppHost}.Resources.{resource}</c>.
/// </summary>
internal sealed class ResourceLogFiles(string directory) : ILoggerProvider
{
    public const string DirectoryVariable = "ASPIREKV_TEST_LOGS";

    private const string ResourcesCategory = ".Resources.";

    private readonly ConcurrentDictionary<string, StreamWriter> _files = new(StringComparer.Ordinal);

    /// <summary>Adds the provider when <see cref="DirectoryVariable"/> is set; returns whether it did.</summary>
    public static bool AddIfRequested(ILoggingBuilder logging)
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is not { Length: > 0 } directory)
        {
            return false;
        }

        Directory.CreateDirectory(directory);
        logging.Services.AddSingleton<ILoggerProvider>(new ResourceLogFiles(directory));
        return true;
    }

    public ILogger CreateLogger(string categoryName)
    {
        var at = categoryName.IndexOf(ResourcesCategory, StringComparison.Ordinal);
        return at < 0 ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance : new FileLogger(_files.GetOrAdd(categoryName[(at + ResourcesCategory.Length)..], Open));
    }

    public void Dispose()
    {
        foreach (var file in _files.Values)
        {
            file.Dispose();
        }
    }

    private StreamWriter Open(string resource) =>
        new(Path.Combine(directory, resource + ".log"), append: true) { AutoFlush = true };

    private sealed class FileLogger(StreamWriter file) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            lock (file)
            {
                file.WriteLine(formatter(state, exception));
            }
        }
    }
}
