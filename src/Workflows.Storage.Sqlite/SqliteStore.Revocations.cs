using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

// Revoked tokens: one row per (organisation, token id).
public sealed partial class SqliteStore : ITokenRevocationStore
{
    private const string SelectRevocation = "SELECT 1 FROM token_revocations WHERE org = $org AND token_id = $token_id";

    // A second revocation keeps the first one's time and author, and the later expiry (none wins over any).
    private const string UpsertRevocation =
        "INSERT INTO token_revocations (org, token_id, revoked_at, revoked_by, expires_at) " +
        "VALUES ($org, $token_id, $revoked_at, $revoked_by, $expires_at) " +
        "ON CONFLICT (org, token_id) DO UPDATE SET expires_at = CASE " +
        "WHEN token_revocations.expires_at IS NULL OR excluded.expires_at IS NULL THEN NULL " +
        "ELSE MAX(token_revocations.expires_at, excluded.expires_at) END";

    private const string ListRevocations =
        "SELECT org, token_id, revoked_at, revoked_by, expires_at FROM token_revocations WHERE expires_at IS NULL OR expires_at > $now";

    private const string DeleteExpiredRevocations = "DELETE FROM token_revocations WHERE expires_at <= $now";

    /// <inheritdoc />
    public Task<bool> RevokeTokenAsync(TokenRevocation revocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        ArgumentException.ThrowIfNullOrEmpty(revocation.OrganizationId);
        ArgumentException.ThrowIfNullOrEmpty(revocation.TokenId);
        return WriteAsync(
            revocation,
            static (connection, r) =>
            {
                var existed = connection.Command(SelectRevocation).Set("$org", r.OrganizationId).Set("$token_id", r.TokenId)
                    .ReadFirst(reader => true);
                connection.Command(UpsertRevocation)
                    .Set("$org", r.OrganizationId)
                    .Set("$token_id", r.TokenId)
                    .Set("$revoked_at", UnixTime.ToMilliseconds(r.RevokedAt))
                    .Set("$revoked_by", r.RevokedBy)
                    .Set("$expires_at", UnixTime.ToMilliseconds(r.ExpiresAt))
                    .ExecuteNonQuery();
                return !existed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TokenRevocation>> ListTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync<long, IReadOnlyList<TokenRevocation>>(
            UnixTime.ToMilliseconds(now),
            static (connection, now) => connection.Command(ListRevocations).Set("$now", now).ReadAll(reader => new TokenRevocation(
                reader.GetString(0),
                reader.GetString(1),
                UnixTime.FromMilliseconds(reader.GetInt64(2)),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : UnixTime.FromMilliseconds(reader.GetInt64(4)))),
            cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            UnixTime.ToMilliseconds(now),
            static (connection, now) => connection.Command(DeleteExpiredRevocations).Set("$now", now).ExecuteNonQuery(),
            cancellationToken);
}
