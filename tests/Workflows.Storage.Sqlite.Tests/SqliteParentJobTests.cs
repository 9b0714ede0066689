using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>Child jobs keep the id of the job that started them (schema migration 2).</summary>
public sealed class SqliteParentJobTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Delete();

    [Fact]
    public async Task CreateJob_WithParent_ReadsBackParentJobId()
    {
        await using var store = await _database.OpenAsync();
        var parent = StoreTestData.Job();
        var child = StoreTestData.Job(idempotencyKey: $"child:{parent.Id}:sub") with { ParentJobId = parent.Id };
        await store.CreateJobAsync(parent, [StoreTestData.QueuedEvent(parent)], Ct);
        await store.CreateJobAsync(child, [StoreTestData.QueuedEvent(child)], Ct);

        Assert.Null((await store.GetJobAsync(parent.Id, Ct))!.ParentJobId);
        Assert.Equal(parent.Id, (await store.GetJobAsync(child.OrganizationId, child.Id, Ct))!.ParentJobId);
        Assert.Equal(parent.Id, (await store.FindByIdempotencyKeyAsync(child.OrganizationId, $"child:{parent.Id}:sub", Ct))!.ParentJobId);
    }
}
