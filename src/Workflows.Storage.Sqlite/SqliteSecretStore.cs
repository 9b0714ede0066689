using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

/// <summary>
/// The secrets of a SQLite database for tools such as the command line, next to a server that may be running on the
/// same file: it migrates the schema like the store but, unlike <see cref="SqliteStore.InitializeAsync"/>, leaves the
/// server's leases and heartbeats alone. One connection; calls are serialised.
/// </summary>
public sealed class SqliteSecretStore : ISecretStore, IDisposable
{
    private readonly CachedConnection _connection;
    private readonly Lock _lock = new();

    /// <summary>Opens (creating when missing) the database at <paramref name="databasePath"/> and migrates it.</summary>
    public SqliteSecretStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var options = new SqliteStoreOptions { DatabasePath = Path.GetFullPath(databasePath) };
        if (Path.GetDirectoryName(options.DatabasePath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
        _connection = CachedConnection.Open(options, writer: true);
        try
        {
            Schema.Migrate(_connection);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<StoredSecret?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Run(() => SecretRows.Get(_connection, name));
    }

    /// <inheritdoc />
    public Task<StoredSecret> AddSecretAsync(StoredSecret secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Run(() => SecretRows.Add(_connection, secret));
    }

    /// <inheritdoc />
    public Task<StoredSecret> RotateSecretAsync(
        string name, string value, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Run(() => SecretRows.RotateTo(_connection, name, value, previousValidUntil, now));
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _connection.Dispose();

    private Task<T> Run<T>(Func<T> work)
    {
        try
        {
            lock (_lock)
            {
                return Task.FromResult(work());
            }
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }
}
