using AspireKv.Testing;

namespace AspireKv.Backend.Tests.Api;

/// <summary>Tests against one whole in-process backend (<see cref="InProcessBackend"/>), started before each test and stopped after it.</summary>
public abstract class InProcessBackendTests(int maxValueBytes = AspireKv.Contracts.KvLimits.DefaultMaxValueBytes, TimeProvider? redisClock = null) : IAsyncLifetime
{
    private InProcessBackend? _backend;

    private protected InProcessBackend Backend => _backend ?? throw new InvalidOperationException("The backend starts in InitializeAsync.");

    public async ValueTask InitializeAsync() => _backend = await InProcessBackend.StartAsync(maxValueBytes, redisClock);

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
