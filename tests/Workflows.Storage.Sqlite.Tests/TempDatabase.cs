using Workflows.Storage.Sqlite;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>
/// A database file in its own not-yet-existing temp directory. Not IDisposable on purpose: the owning test deletes it
/// in its own cleanup after the store is closed.
/// </summary>
public sealed class TempDatabase
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workflows-sqlite-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The database file (its directory is created by the store).</summary>
    public string FilePath => Path.Combine(_directory, "nested", "store.db");

    /// <summary>Creates and initializes a store over the file.</summary>
    public async Task<SqliteStore> OpenAsync(bool fullSync = true)
    {
        var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = FilePath, FullSync = fullSync });
        try
        {
            await store.InitializeAsync(CancellationToken.None);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Deletes the directory with the database and its WAL files.</summary>
    public void Delete()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
