using AspireKv.Backend.Api;
using AspireKv.Backend.Expiry;
using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Tests.Api;

public sealed class KeyListerTests
{
    private static readonly RedisTime Now = new(10_000, 10_002, Fresh: true);

    private static readonly StoredKey[] Entries =
    [
        new("user:3", 3, 3),
        new("user:1", 1, 1),
        new("order:1", 4, 2),
        new("user:2", 5, -1),
        new("user:4", 6, 0),
    ];

    [Fact]
    public void List_Prefix_GivesLiveKeysInOrdinalOrderWithoutTombstones()
    {
        var page = KeyLister.List(Entries, "user:", null, 10, Now);

        Assert.Equal(["user:1", "user:3", "user:4"], page.Items.Select(i => i.Key));
        Assert.Equal([1, 3, 0], page.Items.Select(i => i.Size));
        Assert.Null(page.Next);
    }

    [Fact]
    public void List_Paged_FollowsNextUntilTheEnd()
    {
        var first = KeyLister.List(Entries, null, null, 2, Now);
        var second = KeyLister.List(Entries, null, first.Next, 2, Now);

        Assert.Equal(["order:1", "user:1"], first.Items.Select(i => i.Key));
        Assert.Equal("user:1", first.Next);
        Assert.Equal(["user:3", "user:4"], second.Items.Select(i => i.Key));
        Assert.Null(second.Next);
    }

    [Fact]
    public void List_ExpiringKeys_ShowTheirTimeLeft_AndLeaveOutTheCertainlyExpired()
    {
        StoredKey[] keys =
        [
            new("ttl:later", 1, 1, ExpiresAt: 12_501),
            new("ttl:gone", 2, 1, ExpiresAt: 10_000),
            new("ttl:maybe", 3, 1, ExpiresAt: 10_001),
            new("ttl:never", 4, 1),
        ];

        var page = KeyLister.List(keys, "ttl:", null, 10, Now);

        Assert.Equal(["ttl:later", "ttl:maybe", "ttl:never"], page.Items.Select(i => i.Key));
        Assert.Equal([2.5, 0, null], page.Items.Select(i => i.ExpiresIn));
    }
}
