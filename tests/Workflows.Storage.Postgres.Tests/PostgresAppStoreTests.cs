using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>The shared app store suite over a fresh PostgreSQL database per test.</summary>
public sealed class PostgresAppStoreTests : AppStoreTests
{
    private PostgresDatabase? _database;

    protected override async Task<IAppStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return await _database.OpenAsync();
    }

    protected override async Task<IAppStore> ReopenStoreAsync() => await _database!.OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DropAsync();
        }
    }
}
