using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

// Secrets (the signing key, webhook secrets): one row each.
public sealed partial class SqliteStore : ISecretStore
{
    /// <inheritdoc />
    public Task<StoredSecret?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ReadAsync(name, static (connection, name) => SecretRows.Get(connection, name), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredSecret> AddSecretAsync(StoredSecret secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrEmpty(secret.Name);
        ArgumentException.ThrowIfNullOrEmpty(secret.Value);
        return WriteAsync(secret, static (connection, secret) => SecretRows.Add(connection, secret), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredSecret> RotateSecretAsync(
        string name, string value, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        return WriteAsync(
            (name, value, previousValidUntil, now),
            static (connection, request) => SecretRows.RotateTo(connection, request.name, request.value, request.previousValidUntil, request.now),
            cancellationToken);
    }
}
