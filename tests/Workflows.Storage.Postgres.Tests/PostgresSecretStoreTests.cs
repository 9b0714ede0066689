using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>The shared secret store suite over a fresh PostgreSQL database per test; "another node" is a second store.</summary>
public sealed class PostgresSecretStoreTests : SecretStoreTests
{
    private PostgresDatabase? _database;

    protected override async Task<ISecretStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return await _database.OpenAsync();
    }

    protected override async Task<ISecretStore> OpenAnotherAsync() => await _database!.OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DropAsync();
        }
    }
}
