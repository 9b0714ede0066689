using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>The shared token revocation store suite over a temp SQLite file per test.</summary>
public sealed class SqliteTokenRevocationStoreTests : TokenRevocationStoreTests
{
    private readonly TempDatabase _database = new();

    protected override async Task<ITokenRevocationStore> CreateStoreAsync() => await _database.OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}
