using Workflows.Engine.Schedules;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>The shared schedule store suite over a temp SQLite file per test.</summary>
public sealed class SqliteScheduleStoreTests : ScheduleStoreTests
{
    private readonly TempDatabase _database = new();

    protected override async Task<IScheduleStore> CreateStoreAsync() => await _database.OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}
