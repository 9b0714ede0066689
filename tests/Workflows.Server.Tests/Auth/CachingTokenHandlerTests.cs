using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Workflows.Security;
using Workflows.Server.Auth;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Auth;

public sealed class CachingTokenHandlerTests : IDisposable
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(64);
    private readonly AdjustableTimeProvider _time = new();
    private readonly CachingTokenHandler _handler;

    public CachingTokenHandlerTests() => _handler = new CachingTokenHandler(_time);

    [Fact]
    public async Task ValidateTokenAsync_SecondTime_AcceptedFromCacheWithoutValidation()
    {
        var token = Mint(TimeSpan.FromHours(1));
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters(_key))).IsValid);

        // Parameters that would refuse it (another key): a cache hit never looks at them.
        var again = await _handler.ValidateTokenAsync(token, Parameters(RandomNumberGenerator.GetBytes(64)));

        Assert.True(again.IsValid);
        Assert.Equal(TokenClaims.Issuer, again.Issuer);
        Assert.Equal("acme", again.ClaimsIdentity.FindFirst(TokenClaims.Organization)?.Value);
        Assert.Equal(1, _handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_EachHit_GetsItsOwnIdentity()
    {
        var token = Mint(TimeSpan.FromHours(1));
        await _handler.ValidateTokenAsync(token, Parameters(_key));

        var first = await _handler.ValidateTokenAsync(token, Parameters(_key));
        var second = await _handler.ValidateTokenAsync(token, Parameters(_key));

        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task ValidateTokenAsync_CachedTokenPastItsExpiry_Refused()
    {
        var token = Mint(TimeSpan.FromMinutes(2));
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters(_key))).IsValid);

        _time.Advance(TimeSpan.FromMinutes(3));
        var expired = await _handler.ValidateTokenAsync(token, Parameters(_key));

        Assert.False(expired.IsValid);
        Assert.IsType<SecurityTokenInvalidLifetimeException>(expired.Exception);
        Assert.Equal(0, _handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_LongLivedToken_RevalidatedAfterMaxAge()
    {
        var token = Mint(TimeSpan.FromHours(1));
        await _handler.ValidateTokenAsync(token, Parameters(_key));

        _time.Advance(CachingTokenHandler.MaxAge + TimeSpan.FromSeconds(1));
        var again = await _handler.ValidateTokenAsync(token, Parameters(RandomNumberGenerator.GetBytes(64)));

        Assert.False(again.IsValid);
    }

    [Fact]
    public async Task ValidateTokenAsync_RefusedToken_NotCached()
    {
        var token = Mint(TimeSpan.FromHours(1));

        Assert.False((await _handler.ValidateTokenAsync(token, Parameters(RandomNumberGenerator.GetBytes(64)))).IsValid);
        Assert.Equal(0, _handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_MoreTokensThanTheByteBudget_CacheStaysWithinItAndAllAreAccepted()
    {
        var entry = CachingTokenHandler.EntryBytes(Mint(TimeSpan.FromHours(1)));
        using var small = new CachingTokenHandler(_time, sizeLimit: 3 * entry);

        for (var i = 0; i < 20; i++)
        {
            Assert.True((await small.ValidateTokenAsync(Mint(TimeSpan.FromHours(1)), Parameters(_key))).IsValid);
            Assert.InRange(small.Count, 1, 3);
        }
    }

    private string Mint(TimeSpan lifetime) =>
        new TokenIssuer(_key, _time).Create("acme", TokenClaims.AdminAction, "Workflow", lifetime, []).Token;

    private TokenValidationParameters Parameters(byte[] key) => new()
    {
        ValidIssuer = TokenClaims.Issuer,
        ValidAudience = TokenClaims.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(key),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        // Lifetime on the test's clock, so "later" needs no waiting.
        LifetimeValidator = (_, expires, _, _) => expires > _time.GetUtcNow().UtcDateTime,
    };

    public void Dispose() => _handler.Dispose();
}
