using Npgsql;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Workflows.Storage.Relational;

namespace Workflows.Storage.Postgres;

// Revoked tokens: one row per (organisation, token id).
public sealed partial class PostgresStore : ITokenRevocationStore
{
    // A second revocation keeps the first one's time and author, and the later expiry (none wins over any);
    // xmax = 0 only on a row this statement inserted.
    private const string UpsertRevocation =
        "INSERT INTO token_revocations (org, token_id, revoked_at, revoked_by, expires_at) " +
        "VALUES (@org, @token_id, @revoked_at, @revoked_by, @expires_at) " +
        "ON CONFLICT (org, token_id) DO UPDATE SET expires_at = CASE " +
        "WHEN token_revocations.expires_at IS NULL OR excluded.expires_at IS NULL THEN NULL " +
        "ELSE GREATEST(token_revocations.expires_at, excluded.expires_at) END " +
        "RETURNING (xmax = 0)";

    private const string ListRevocations =
        "SELECT org, token_id, revoked_at, revoked_by, expires_at FROM token_revocations WHERE expires_at IS NULL OR expires_at > @now";

    private const string DeleteExpiredRevocations = "DELETE FROM token_revocations WHERE expires_at <= @now";

    /// <inheritdoc />
    public Task<bool> RevokeTokenAsync(TokenRevocation revocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        ArgumentException.ThrowIfNullOrEmpty(revocation.OrganizationId);
        ArgumentException.ThrowIfNullOrEmpty(revocation.TokenId);
        return WriteAsync(
            revocation,
            static async (session, r) =>
            {
                await using var batch = session.CreateBatch();
                var command = new NpgsqlBatchCommand(UpsertRevocation);
                command.Parameters
                    .Text("org", r.OrganizationId)
                    .Text("token_id", r.TokenId)
                    .Time("revoked_at", r.RevokedAt)
                    .Text("revoked_by", r.RevokedBy)
                    .Time("expires_at", r.ExpiresAt);
                batch.BatchCommands.Add(command);
                await using var reader = await session.ExecuteReaderAsync(batch);
                await reader.ReadAsync();
                return reader.GetBoolean(0);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TokenRevocation>> ListTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<TokenRevocation>>(
            ListRevocations,
            parameters => parameters.Time("now", now),
            static async (reader, ct) => await Rows.ReadAllAsync(
                reader,
                row => new TokenRevocation(
                    row.GetString(0),
                    row.GetString(1),
                    row.GetFieldValue<DateTimeOffset>(2),
                    row.GetString(3),
                    row.IsDBNull(4) ? null : row.GetFieldValue<DateTimeOffset>(4)),
                ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            now,
            static async (session, now) =>
            {
                await using var batch = session.CreateBatch();
                var command = new NpgsqlBatchCommand(DeleteExpiredRevocations);
                command.Parameters.Time("now", now);
                batch.BatchCommands.Add(command);
                await session.ExecuteAsync(batch);
                return command.RecordsAffected;
            },
            cancellationToken);
}
