using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

// Revoked tokens: a dictionary by (organisation, token id).
public sealed partial class InMemoryStore : ITokenRevocationStore
{
    private readonly Dictionary<(string OrganizationId, string TokenId), TokenRevocation> _revocations = [];

    /// <inheritdoc />
    public Task<bool> RevokeTokenAsync(TokenRevocation revocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        ArgumentException.ThrowIfNullOrEmpty(revocation.OrganizationId);
        ArgumentException.ThrowIfNullOrEmpty(revocation.TokenId);
        var stored = revocation with { RevokedAt = StoredTime.Of(revocation.RevokedAt), ExpiresAt = StoredTime.Of(revocation.ExpiresAt) };
        return Locked(stored, static (store, revocation) =>
        {
            var key = (revocation.OrganizationId, revocation.TokenId);
            if (!store._revocations.TryGetValue(key, out var earlier))
            {
                store._revocations[key] = revocation;
                return true;
            }

            store._revocations[key] = earlier with { ExpiresAt = TokenRevocations.LaterExpiry(earlier.ExpiresAt, revocation.ExpiresAt) };
            return false;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TokenRevocation>> ListTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Locked(StoredTime.Of(now), static (store, now) =>
            (IReadOnlyList<TokenRevocation>)store._revocations.Values.Where(r => r.ExpiresAt is null || r.ExpiresAt > now).ToList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Locked(StoredTime.Of(now), static (store, now) =>
        {
            var expired = store._revocations.Where(r => r.Value.ExpiresAt <= now).Select(r => r.Key).ToList();
            expired.ForEach(key => store._revocations.Remove(key));
            return expired.Count;
        }, cancellationToken);
}
