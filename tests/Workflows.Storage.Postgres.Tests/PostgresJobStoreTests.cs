using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>The shared job store suite over a fresh PostgreSQL database per test.</summary>
public sealed class PostgresJobStoreTests : JobStoreTests
{
    private PostgresDatabase? _database;

    protected override async Task<IJobStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return await _database.OpenAsync();
    }

    protected override async Task<IJobStore> ReopenStoreAsync() => await _database!.OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DropAsync();
        }
    }
}
