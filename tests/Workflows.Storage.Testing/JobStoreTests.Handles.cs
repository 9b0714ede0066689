using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    [Fact]
    public async Task Handle_PutThenGet_NamesTheJobUntilItExpires()
    {
        var job = Guid.NewGuid().ToString("D");
        var expires = StoreTestData.T0.AddMinutes(10);
        await Store.PutHandleAsync(new Handle("poll:abc", "org-a", job, expires), StoreTestData.T0, Ct);

        var found = await Store.GetHandleAsync("poll:abc", StoreTestData.T0.AddMinutes(9), Ct);
        Assert.Equal(new Handle("poll:abc", "org-a", job, expires), found);
        Assert.Null(await Store.GetHandleAsync("poll:abc", expires, Ct));
        Assert.Null(await Store.GetHandleAsync("poll:other", StoreTestData.T0, Ct));
    }

    [Fact]
    public async Task Handle_PutSameKey_ReplacesAndForgetsExpiredHandles()
    {
        var first = "job-1";
        var second = "job-2";
        await Store.PutHandleAsync(new Handle("mcp:t:1", "org-a", first, StoreTestData.T0.AddMinutes(1)), StoreTestData.T0, Ct);
        await Store.PutHandleAsync(new Handle("mcp:t:2", "org-a", first, StoreTestData.T0.AddMinutes(1)), StoreTestData.T0, Ct);

        await Store.PutHandleAsync(new Handle("mcp:t:1", "org-b", second, StoreTestData.T0.AddHours(1)), StoreTestData.T0.AddMinutes(2), Ct);

        Assert.Equal(second, (await Store.GetHandleAsync("mcp:t:1", StoreTestData.T0.AddMinutes(2), Ct))?.Target);
        Assert.Equal("org-b", (await Store.GetHandleAsync("mcp:t:1", StoreTestData.T0.AddMinutes(2), Ct))?.OrganizationId);
        // Expired when the second put ran, so it is gone even for a reader that asks about an earlier time.
        Assert.Null(await Store.GetHandleAsync("mcp:t:2", StoreTestData.T0, Ct));
    }
}
