using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workflows.Engine.Storage;
using Workflows.Engine.Storage.InMemory;
using Workflows.Server.Auth;
using Workflows.Server.Hosting;

namespace Workflows.Server.Tests.Auth;

/// <summary>
/// The in-memory revocation list: a revocation through this node counts at once, one stored by another node from the
/// next refresh, and a refresh that read the store just before a local revocation does not drop it.
/// </summary>
public sealed class RevokedTokensTests
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddDays(1);
    private readonly InMemoryStore _store = new();

    private static RevokedTokens Create(ITokenRevocationStore store) =>
        new(store, TimeProvider.System, Options.Create(new WorkflowsOptions()), NullLogger<RevokedTokens>.Instance);

    private static TokenRevocation Revocation(string tokenId, string org = "org-a") => new(org, tokenId, DateTimeOffset.UtcNow, "admin", Later);

    [Fact]
    public async Task RevokeAsync_ThisNode_RevokedAtOnce_OnlyInItsOrganisation()
    {
        var revoked = Create(_store);

        Assert.True(await revoked.RevokeAsync(Revocation("t1"), CancellationToken.None));

        Assert.True(revoked.IsRevoked("org-a", "t1"));
        Assert.False(revoked.IsRevoked("org-b", "t1"));
        Assert.False(revoked.IsRevoked("org-a", "t2"));
        Assert.False(revoked.IsRevoked("org-a", ""));
    }

    [Fact]
    public async Task Refresh_RevocationStoredByAnotherNode_RevokedFromTheNextRefresh()
    {
        var revoked = Create(_store);
        await revoked.RefreshAsync(CancellationToken.None);

        await Create(_store).RevokeAsync(Revocation("t1"), CancellationToken.None);
        Assert.False(revoked.IsRevoked("org-a", "t1"));

        await revoked.RefreshAsync(CancellationToken.None);
        Assert.True(revoked.IsRevoked("org-a", "t1"));
    }

    [Fact]
    public async Task Refresh_ReadJustBeforeALocalRevocation_KeepsIt_AndTheNextRefreshReadsItFromTheStore()
    {
        var racing = new RevokeDuringList(_store);
        var revoked = Create(racing);
        racing.During = () => revoked.RevokeAsync(Revocation("raced"), CancellationToken.None);

        await revoked.RefreshAsync(CancellationToken.None);

        Assert.True(revoked.IsRevoked("org-a", "raced"));
        await revoked.RefreshAsync(CancellationToken.None);
        Assert.True(revoked.IsRevoked("org-a", "raced"));
        Assert.Equal(1, revoked.Count);
    }

    // Answers the list as it was when the read began, after a revocation made meanwhile (once).
    private sealed class RevokeDuringList(InMemoryStore inner) : ITokenRevocationStore
    {
        public Func<Task>? During { get; set; }

        public Task<bool> RevokeTokenAsync(TokenRevocation revocation, CancellationToken cancellationToken) =>
            inner.RevokeTokenAsync(revocation, cancellationToken);

        public async Task<IReadOnlyList<TokenRevocation>> ListTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            var before = await inner.ListTokenRevocationsAsync(now, cancellationToken);
            if (During is { } during)
            {
                During = null;
                await during();
            }

            return before;
        }

        public Task<int> PruneTokenRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.PruneTokenRevocationsAsync(now, cancellationToken);
    }
}
