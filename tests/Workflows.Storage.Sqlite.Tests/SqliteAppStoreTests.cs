using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>The shared app store suite over a temp SQLite file per test.</summary>
public sealed class SqliteAppStoreTests : AppStoreTests
{
    private readonly TempDatabase _database = new();

    protected override async Task<IAppStore> CreateStoreAsync() => await _database.OpenAsync();

    protected override async Task<IAppStore> ReopenStoreAsync() => await _database.OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}
