using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    [Fact]
    public async Task JobHandle_PutThenGet_NamesTheJobUntilItExpires()
    {
        var job = Guid.NewGuid();
        var expires = StoreTestData.T0.AddMinutes(10);
        await Store.PutJobHandleAsync(new JobHandle("poll:abc", "org-a", job, expires), StoreTestData.T0, Ct);

        var found = await Store.GetJobHandleAsync("poll:abc", StoreTestData.T0.AddMinutes(9), Ct);
        Assert.Equal(new JobHandle("poll:abc", "org-a", job, expires), found);
        Assert.Null(await Store.GetJobHandleAsync("poll:abc", expires, Ct));
        Assert.Null(await Store.GetJobHandleAsync("poll:other", StoreTestData.T0, Ct));
    }

    [Fact]
    public async Task JobHandle_PutSameKey_ReplacesAndForgetsExpiredHandles()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        await Store.PutJobHandleAsync(new JobHandle("mcp:t:1", "org-a", first, StoreTestData.T0.AddMinutes(1)), StoreTestData.T0, Ct);
        await Store.PutJobHandleAsync(new JobHandle("mcp:t:2", "org-a", first, StoreTestData.T0.AddMinutes(1)), StoreTestData.T0, Ct);

        await Store.PutJobHandleAsync(new JobHandle("mcp:t:1", "org-b", second, StoreTestData.T0.AddHours(1)), StoreTestData.T0.AddMinutes(2), Ct);

        Assert.Equal(second, (await Store.GetJobHandleAsync("mcp:t:1", StoreTestData.T0.AddMinutes(2), Ct))?.JobId);
        Assert.Equal("org-b", (await Store.GetJobHandleAsync("mcp:t:1", StoreTestData.T0.AddMinutes(2), Ct))?.OrganizationId);
        // Expired when the second put ran, so it is gone even for a reader that asks about an earlier time.
        Assert.Null(await Store.GetJobHandleAsync("mcp:t:2", StoreTestData.T0, Ct));
    }
}
