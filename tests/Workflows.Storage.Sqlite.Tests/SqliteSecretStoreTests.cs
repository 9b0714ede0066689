using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>The shared secret store suite over a temp SQLite file per test; "another node" is a second store on the file.</summary>
public sealed class SqliteSecretStoreTests : SecretStoreTests
{
    private readonly TempDatabase _database = new();

    protected override async Task<ISecretStore> CreateStoreAsync() => await _database.OpenAsync();

    // The command line's store: it must see the server's secrets without touching the server's leases.
    protected override Task<ISecretStore> OpenAnotherAsync() => Task.FromResult<ISecretStore>(new SqliteSecretStore(_database.FilePath));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}
