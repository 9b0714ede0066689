using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>The shared token revocation store suite over a fresh PostgreSQL database per test.</summary>
public sealed class PostgresTokenRevocationStoreTests : TokenRevocationStoreTests
{
    private PostgresDatabase? _database;

    protected override async Task<ITokenRevocationStore> CreateStoreAsync()
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
