using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Workflows.Server.Auth;

/// <summary>
/// JWT validation that remembers tokens it has already accepted, so a client reusing its token (every client does)
/// costs a cache lookup instead of a parse and an HMAC per request. Only successes are remembered, keyed by the
/// whole token text, in an <see cref="IMemoryCache"/> of at most <see cref="DefaultSizeLimit"/> estimated bytes, each
/// expiring at the token's own expiry or after <see cref="MaxAge"/>, whichever is first; each hit gets its own copy
/// of the identity. Every refusal is validated in full, every time.
/// </summary>
/// <param name="time">Clock for the cache's expiry; the same one validation uses.</param>
/// <param name="sizeLimit">Estimated bytes of the tokens remembered at once (see <see cref="EntryBytes"/>); when full,
/// new tokens are validated but not remembered until the cache's compaction has made room.</param>
internal sealed class CachingTokenHandler(TimeProvider time, long sizeLimit = CachingTokenHandler.DefaultSizeLimit)
    : JsonWebTokenHandler, IDisposable
{
    /// <summary>The longest a validation is reused, even for a token that lives longer.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The default budget: 16 MiB, ≈ 5,000 typical tokens (a token may be as long as the request's header limit allows).</summary>
    public const long DefaultSizeLimit = 16L * 1024 * 1024;

    // Its own cache, not the app's shared IMemoryCache: a SizeLimit needs every entry to carry a size, and many
    // distinct tokens (or an attacker minting valid ones) must not evict anyone else's entries.
    private readonly MemoryCache _accepted = new(new MemoryCacheOptions { SizeLimit = sizeLimit, Clock = new Clock(time) });

    /// <summary>How many validations are remembered now (for tests).</summary>
    internal int Count => _accepted.Count;

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (token is not null && _accepted.TryGetValue(token, out Accepted? hit) && hit is not null)
        {
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = hit.Identity.Clone(),
                SecurityToken = hit.SecurityToken,
                Issuer = hit.Issuer,
            };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token is not null && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is { } identity)
        {
            var now = time.GetUtcNow();
            var expires = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
            var until = expires < now + MaxAge ? expires : now + MaxAge;
            _accepted.Set(token, new Accepted(identity.Clone(), jwt, result.Issuer), new MemoryCacheEntryOptions
            {
                AbsoluteExpiration = until,
                Size = EntryBytes(token),
            });
        }

        return result;
    }

    /// <summary>
    /// What one remembered token holds, estimated: its text twice (the key, and the parsed token's copy) as UTF-16, and
    /// ≈ 2 KB for the parsed token's claims and the identity.
    /// </summary>
    internal static long EntryBytes(string token) => 2048 + (4L * token.Length);

    /// <inheritdoc />
    public void Dispose() => _accepted.Dispose();

    private sealed record Accepted(ClaimsIdentity Identity, SecurityToken SecurityToken, string Issuer);

    // MemoryCache reads time through ISystemClock; this one follows the TimeProvider, so tests can move it.
    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
