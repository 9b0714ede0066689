using System.Data.Common;
using Npgsql;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Workflows.Storage.Relational;

namespace Workflows.Storage.Postgres;

// Secrets (the signing key, webhook secrets): one row each, shared by every node.
public sealed partial class PostgresStore : ISecretStore
{
    private const string SecretColumns = "name, value, previous, previous_valid_until, updated_at";

    private const string SelectSecret = $"SELECT {SecretColumns} FROM secrets WHERE name = @name";

    private const string InsertSecret =
        $"INSERT INTO secrets ({SecretColumns}) VALUES (@name, @value, @previous, @until, @now) ON CONFLICT (name) DO NOTHING";

    // Every SET expression sees the row as it was, so "previous" gets the value being replaced; the row lock the
    // upsert takes makes two rotations at once happen one after the other.
    private const string RotateSecret =
        $"INSERT INTO secrets ({SecretColumns}) VALUES (@name, @value, NULL, NULL, @now) " +
        "ON CONFLICT (name) DO UPDATE SET previous = secrets.value, previous_valid_until = @until, value = excluded.value, " +
        $"updated_at = excluded.updated_at RETURNING {SecretColumns}";

    /// <inheritdoc />
    public Task<StoredSecret?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ReadAsync(
            SelectSecret,
            parameters => parameters.Text("name", name),
            (reader, token) => Rows.ReadFirstAsync(reader, MapSecret, token),
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Insert-if-absent, committed, then read back on a new statement: a read in the inserting statement could miss a row
    /// another node committed while it waited on the conflict.
    /// </remarks>
    public async Task<StoredSecret> AddSecretAsync(StoredSecret secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrEmpty(secret.Name);
        ArgumentException.ThrowIfNullOrEmpty(secret.Value);
        await WriteAsync(
            secret,
            static async (session, secret) =>
            {
                await using var batch = session.CreateBatch();
                var command = new NpgsqlBatchCommand(InsertSecret);
                command.Parameters
                    .Text("name", secret.Name)
                    .Text("value", secret.Value)
                    .Text("previous", secret.Previous)
                    .Time("until", secret.PreviousValidUntil)
                    .Time("now", secret.UpdatedAt);
                batch.BatchCommands.Add(command);
                await session.ExecuteAsync(batch);
                return true;
            },
            cancellationToken);
        return await GetSecretAsync(secret.Name, cancellationToken)
            ?? throw new InvalidOperationException($"the secret '{secret.Name}' was added but cannot be read back");
    }

    /// <inheritdoc />
    public Task<StoredSecret> RotateSecretAsync(
        string name, string value, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        return WriteAsync(
            (name, value, previousValidUntil, now),
            static async (session, request) =>
            {
                await using var batch = session.CreateBatch();
                var command = new NpgsqlBatchCommand(RotateSecret);
                command.Parameters
                    .Text("name", request.name)
                    .Text("value", request.value)
                    .Time("until", request.previousValidUntil)
                    .Time("now", request.now);
                batch.BatchCommands.Add(command);
                await using var reader = await session.ExecuteReaderAsync(batch);
                return (await Rows.ReadFirstAsync(reader, MapSecret, CancellationToken.None))!;
            },
            cancellationToken);
    }

    private static StoredSecret MapSecret(DbDataReader row) => new(
        row.GetString(0),
        row.GetString(1),
        row.IsDBNull(2) ? null : row.GetString(2),
        row.IsDBNull(3) ? null : row.GetFieldValue<DateTimeOffset>(3),
        row.GetFieldValue<DateTimeOffset>(4));
}
