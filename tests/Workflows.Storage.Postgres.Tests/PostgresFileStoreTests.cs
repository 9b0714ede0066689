using Microsoft.Extensions.Options;
using Workflows.Blocks.Files;
using Workflows.Engine.Files;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>The shared file store suite: the database file store over a fresh PostgreSQL database per test.</summary>
public sealed class PostgresFileStoreTests : FileStoreTests
{
    private PostgresDatabase? _database;

    protected override async Task<IFileStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return await OpenAsync();
    }

    protected override async Task<IFileStore> OpenAnotherAsync() => await OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DropAsync();
        }
    }

    private async Task<IFileStore> OpenAsync()
    {
        var store = await _database!.OpenAsync();
        Owns(store);
        return new DatabaseFileStore(store, Options.Create(new FileStoreOptions { MaxFileBytes = MaxBytes }), Time);
    }
}
