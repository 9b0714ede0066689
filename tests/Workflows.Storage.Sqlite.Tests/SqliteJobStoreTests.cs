using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>The shared job store suite over a temp SQLite file per test.</summary>
public sealed class SqliteJobStoreTests : JobStoreTests
{
    private readonly TempDatabase _database = new();

    protected override async Task<IJobStore> CreateStoreAsync() => await _database.OpenAsync();

    protected override async Task<IJobStore> ReopenStoreAsync() => await _database.OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}
