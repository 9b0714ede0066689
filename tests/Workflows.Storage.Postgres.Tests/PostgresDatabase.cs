using Workflows.Storage.Testing.Postgres;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>
/// A fresh database on the shared throwaway server. Not IDisposable on purpose: the owning test drops it in its own
/// cleanup after its stores are closed.
/// </summary>
public sealed class PostgresDatabase
{
    private PostgresDatabase(PostgresServer server, string connectionString)
    {
        Server = server;
        ConnectionString = connectionString;
    }

    /// <summary>The server it lives on.</summary>
    public PostgresServer Server { get; }

    /// <summary>Its connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty database.</summary>
    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = await PostgresServer.GetAsync();
        return new PostgresDatabase(server, await server.CreateDatabaseAsync());
    }

    /// <summary>A store over the database, not initialized.</summary>
    public PostgresStore NewStore() => new(new PostgresStoreOptions { ConnectionString = ConnectionString });

    /// <summary>Creates and initializes a store over the database.</summary>
    public async Task<PostgresStore> OpenAsync()
    {
        var store = NewStore();
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

    /// <summary>Hands the database back to the server, which empties it for the next test.</summary>
    public Task DropAsync() => Server.ReleaseDatabaseAsync(ConnectionString);
}
