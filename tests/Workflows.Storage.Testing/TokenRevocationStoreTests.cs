using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

/// <summary>The contract of <see cref="ITokenRevocationStore"/>, run against every store through a subclass.</summary>
public abstract class TokenRevocationStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = StoreTestData.T0;
    private ITokenRevocationStore? _store;

    /// <summary>The store under test.</summary>
    protected ITokenRevocationStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, initialized store over an empty database that belongs to this test instance.</summary>
    protected abstract Task<ITokenRevocationStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync() => await Owned.DisposeAsync(_store);

    private static TokenRevocation Revocation(string tokenId, DateTimeOffset? expiresAt, string org = "org-a") =>
        new(org, tokenId, T0, "admin-token", expiresAt);

    [Fact]
    public async Task Revoke_Listed_WithEveryField()
    {
        var revocation = Revocation("jti-1", T0.AddDays(1));

        Assert.True(await Store.RevokeTokenAsync(revocation, Ct));

        Assert.Equal([revocation], await Store.ListTokenRevocationsAsync(T0, Ct));
    }

    [Fact]
    public async Task Revoke_NoExpiry_ListedForGoodAndNeverPruned()
    {
        var revocation = Revocation("jti-1", null);
        await Store.RevokeTokenAsync(revocation, Ct);

        Assert.Equal(0, await Store.PruneTokenRevocationsAsync(T0.AddYears(100), Ct));
        Assert.Equal([revocation], await Store.ListTokenRevocationsAsync(T0.AddYears(100), Ct));
    }

    [Fact]
    public async Task Revoke_Twice_FalseTheSecondTime_KeepsFirstTimeAndLaterExpiry()
    {
        var first = Revocation("jti-1", T0.AddHours(1));
        await Store.RevokeTokenAsync(first, Ct);

        var again = first with { RevokedAt = T0.AddMinutes(5), RevokedBy = "other-admin", ExpiresAt = T0.AddHours(2) };
        Assert.False(await Store.RevokeTokenAsync(again, Ct));
        Assert.Equal([first with { ExpiresAt = T0.AddHours(2) }], await Store.ListTokenRevocationsAsync(T0, Ct));

        // An earlier expiry does not shorten it; no expiry keeps it for good.
        Assert.False(await Store.RevokeTokenAsync(first with { ExpiresAt = T0.AddMinutes(30) }, Ct));
        Assert.Equal(T0.AddHours(2), Assert.Single(await Store.ListTokenRevocationsAsync(T0, Ct)).ExpiresAt);
        Assert.False(await Store.RevokeTokenAsync(first with { ExpiresAt = null }, Ct));
        Assert.Null(Assert.Single(await Store.ListTokenRevocationsAsync(T0, Ct)).ExpiresAt);
    }

    [Fact]
    public async Task SameTokenId_TwoOrganisations_TwoRevocations()
    {
        Assert.True(await Store.RevokeTokenAsync(Revocation("jti-1", null, "org-a"), Ct));
        Assert.True(await Store.RevokeTokenAsync(Revocation("jti-1", null, "org-b"), Ct));

        var listed = await Store.ListTokenRevocationsAsync(T0, Ct);
        Assert.Equal(["org-a", "org-b"], listed.Select(r => r.OrganizationId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Expired_NotListed_ThenPruned_OthersStay()
    {
        await Store.RevokeTokenAsync(Revocation("soon", T0.AddMinutes(1)), Ct);
        await Store.RevokeTokenAsync(Revocation("later", T0.AddHours(1)), Ct);
        await Store.RevokeTokenAsync(Revocation("never", null), Ct);

        // At its expiry a revocation is no longer needed: the token is refused as expired anyway.
        var atExpiry = await Store.ListTokenRevocationsAsync(T0.AddMinutes(1), Ct);
        Assert.Equal(["later", "never"], atExpiry.Select(r => r.TokenId).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await Store.ListTokenRevocationsAsync(T0.AddSeconds(59), Ct)).Count);

        Assert.Equal(1, await Store.PruneTokenRevocationsAsync(T0.AddMinutes(1), Ct));
        Assert.Equal(0, await Store.PruneTokenRevocationsAsync(T0.AddMinutes(1), Ct));
        Assert.Equal(["later", "never"], (await Store.ListTokenRevocationsAsync(T0, Ct)).Select(r => r.TokenId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Empty_ListsNothing()
    {
        Assert.Empty(await Store.ListTokenRevocationsAsync(T0, Ct));
        Assert.Equal(0, await Store.PruneTokenRevocationsAsync(T0, Ct));
    }
}
