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

    /// <summary>
    /// A store over the database, not initialized. Its leases run on the times the tests pass (they drive the clock)
    /// unless <paramref name="configure"/> says otherwise.
    /// </summary>
    public PostgresStore NewStore(Action<PostgresStoreOptions>? configure = null)
    {
        var options = new PostgresStoreOptions { ConnectionString = ConnectionString, UseDatabaseClock = false };
        configure?.Invoke(options);
        return new(options);
    }

    /// <summary>Creates and initializes a store over the database.</summary>
    public async Task<PostgresStore> OpenAsync(Action<PostgresStoreOptions>? configure = null)
    {
        var store = NewStore(configure);
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
