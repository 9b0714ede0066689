using Microsoft.Extensions.Options;
using Workflows.Blocks.Files;
using Workflows.Engine.Files;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>The shared file store suite: the database file store over a temp SQLite file per test.</summary>
public sealed class SqliteFileStoreTests : FileStoreTests
{
    private readonly TempDatabase _database = new();

    protected override async Task<IFileStore> CreateStoreAsync() => await OpenAsync();

    protected override async Task<IFileStore> OpenAnotherAsync() => await OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }

    private async Task<IFileStore> OpenAsync()
    {
        var store = await _database.OpenAsync();
        Owns(store);
        return new DatabaseFileStore(store, Options.Create(new FileStoreOptions { MaxFileBytes = MaxBytes }), Time);
    }
}
