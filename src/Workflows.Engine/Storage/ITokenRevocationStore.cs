namespace Workflows.Engine.Storage;

/// <summary>
/// Revoked bearer tokens, by organisation and token id (<c>jti</c>). Every node reads the whole live list on a short
/// interval and refuses those tokens, so the list is small: a revocation may carry the time its token expires anyway,
/// after which it is not listed and may be deleted. Implemented once per database and checked by the shared store test
/// suite.
/// </summary>
public interface ITokenRevocationStore
{
    /// <summary>
    /// Records a revocation. Revoking a token again keeps the first revocation's time and who revoked it, and keeps the
    /// later of the two expiries (none wins over any). Returns true when the token was not revoked before.
    /// </summary>
    Task<bool> RevokeTokenAsync(TokenRevocation revocation, CancellationToken cancellationToken);

    /// <summary>Every revocation whose <see cref="TokenRevocation.ExpiresAt"/> is unset or after <paramref name="now"/>.</summary>
    Task<IReadOnlyList<TokenRevocation>> ListTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the revocations that expired at or before <paramref name="now"/>; returns how many went.</summary>
    Task<int> PruneTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>A revoked token.</summary>
/// <param name="OrganizationId">The token's organisation (a revocation never reaches another organisation's token).</param>
/// <param name="TokenId">The token's <c>jti</c>.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="RevokedBy">The id of the token that revoked it.</param>
/// <param name="ExpiresAt">When the token expires anyway (from then on the revocation is not needed), or null to keep it.</param>
public sealed record TokenRevocation(
    string OrganizationId, string TokenId, DateTimeOffset RevokedAt, string RevokedBy, DateTimeOffset? ExpiresAt);

/// <summary>Rules the stores share.</summary>
public static class TokenRevocations
{
    /// <summary>The expiry a revocation keeps when revoked twice: the later one, and none (kept for good) over any.</summary>
    public static DateTimeOffset? LaterExpiry(DateTimeOffset? first, DateTimeOffset? second) =>
        first is null || second is null ? null : first > second ? first : second;
}
