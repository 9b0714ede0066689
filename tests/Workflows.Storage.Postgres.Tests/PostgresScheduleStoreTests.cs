using Workflows.Engine.Schedules;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>The shared schedule store suite over a fresh PostgreSQL database per test.</summary>
public sealed class PostgresScheduleStoreTests : ScheduleStoreTests
{
    private PostgresDatabase? _database;

    protected override async Task<IScheduleStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return await _database.OpenAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DropAsync();
        }
    }
}
