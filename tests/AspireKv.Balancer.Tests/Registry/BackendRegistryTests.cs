using AspireKv.Balancer.Registry;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireKv.Balancer.Tests.Registry;

public sealed class BackendRegistryTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(6);
    private readonly FakeTimeProvider _time = new();
    private readonly BackendRegistry _registry;
    private int _changes;

    public BackendRegistryTests()
    {
        _registry = new BackendRegistry(_time, Options.Create(new BalancerOptions { RegistrationTtl = Ttl }));
        _registry.Changed += () => _changes++;
    }

    private static Uri Address(int port) => new($"http://localhost:{port}/");

    [Fact]
    public void Register_SameBackendTwice_IsOneDestination()
    {
        Assert.True(_registry.Register("backend-1", Address(5001)));
        Assert.False(_registry.Register("backend-1", Address(5001)));

        var entry = Assert.Single(_registry.Snapshot());
        Assert.Equal("backend-1", entry.Name);
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Register_DiscoveredAddress_MergesIntoOneDestination()
    {
        _registry.SetDiscovered([Address(5001), Address(5002)]);

        _registry.Register("backend-1", Address(5001));

        var entries = _registry.Snapshot();
        Assert.Equal(2, entries.Count);
        var registered = Assert.Single(entries, e => e.Registered);
        Assert.True(registered.Discovered);
        Assert.Equal("backend-1", registered.Name);
    }

    [Fact]
    public void ExpireRegistrations_NotRenewedInTime_RemovesBackend()
    {
        _registry.Register("backend-1", Address(5001));
        _time.Advance(Ttl + TimeSpan.FromMilliseconds(1));

        _registry.ExpireRegistrations();

        Assert.Empty(_registry.Snapshot());
        Assert.Equal(2, _changes);
    }

    [Fact]
    public void ExpireRegistrations_RenewedBeforeTtl_KeepsBackend()
    {
        _registry.Register("backend-1", Address(5001));
        _time.Advance(Ttl - TimeSpan.FromSeconds(1));
        _registry.Register("backend-1", Address(5001));
        _time.Advance(TimeSpan.FromSeconds(2));

        _registry.ExpireRegistrations();

        Assert.Single(_registry.Snapshot());
    }

    [Fact]
    public void ExpireRegistrations_DiscoveredBackend_StaysAsDestination()
    {
        _registry.SetDiscovered([Address(5001)]);
        _registry.Register("backend-1", Address(5001));
        _time.Advance(Ttl * 2);

        _registry.ExpireRegistrations();

        var entry = Assert.Single(_registry.Snapshot());
        Assert.False(entry.Registered);
        Assert.True(entry.Discovered);
    }

    [Fact]
    public void Deregister_RegisteredBackend_RemovesIt()
    {
        _registry.Register("backend-1", Address(5001));

        Assert.True(_registry.Deregister("backend-1"));

        Assert.Empty(_registry.Snapshot());
    }

    [Fact]
    public void Deregister_Unknown_ReturnsFalseAndChangesNothing()
    {
        _registry.Register("backend-1", Address(5001));

        Assert.False(_registry.Deregister("backend-9"));

        Assert.Single(_registry.Snapshot());
        Assert.Equal(1, _changes);
    }

    [Fact]
    public void Register_SameNameAtNewAddress_MovesTheBackend()
    {
        _registry.Register("backend-1", Address(5001));

        _registry.Register("backend-1", Address(6001));

        var entry = Assert.Single(_registry.Snapshot());
        Assert.Equal(Address(6001), entry.Address);
    }

    [Fact]
    public void ReplicationLag_IsMeasuredAgainstTheHighestHeadReported()
    {
        _registry.Register("backend-1", Address(5001), appliedVersion: 90, headVersion: 100);
        _registry.Register("backend-2", Address(5002), appliedVersion: 120, headVersion: 120);

        Assert.Equal(30, _registry.ReplicationLag(Address(5001).ToString()));
        Assert.Equal(0, _registry.ReplicationLag(Address(5002).ToString()));
    }

    [Fact]
    public void ReplicationLag_WithoutAFreshReport_IsUnknown()
    {
        _registry.SetDiscovered([Address(5003)]);
        _registry.Register("backend-1", Address(5001), appliedVersion: 5, headVersion: 5);
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));

        Assert.Null(_registry.ReplicationLag(Address(5003).ToString()));
        Assert.Null(_registry.ReplicationLag(Address(5001).ToString()));
    }

    [Fact]
    public void SetDiscovered_AddressNoLongerListed_IsRemovedUnlessRegistered()
    {
        _registry.SetDiscovered([Address(5001), Address(5002)]);
        _registry.Register("backend-2", Address(5002));

        _registry.SetDiscovered([]);

        var entry = Assert.Single(_registry.Snapshot());
        Assert.Equal("backend-2", entry.Name);
        Assert.False(entry.Discovered);
    }
}
