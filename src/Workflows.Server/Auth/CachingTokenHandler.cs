using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Workflows.Server.Auth;

/// <summary>
/// JWT validation that remembers tokens it has already accepted, so a client reusing its token (every client does)
/// costs a dictionary lookup instead of a parse and an HMAC per request. Only successes are remembered, keyed by the
/// whole token text, and never past the token's own expiry or <see cref="MaxAge"/>; each hit gets its own copy of the
/// identity. Every refusal is validated in full, every time.
/// </summary>
internal sealed class CachingTokenHandler(TimeProvider time) : JsonWebTokenHandler
{
    /// <summary>The longest a validation is reused, even for a token that lives longer.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, Accepted> _accepted = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (token is not null && _accepted.TryGetValue(token, out var hit))
        {
            if (hit.Until > now)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = hit.Identity.Clone(),
                    SecurityToken = hit.SecurityToken,
                    Issuer = hit.Issuer,
                };
            }

            _accepted.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token is not null && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is { } identity)
        {
            if (_accepted.Count >= MaxEntries)
            {
                // Bounded: many distinct tokens (or an attacker minting valid ones) start it over rather than grow it.
                _accepted.Clear();
            }

            var expires = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
            var until = expires < now + MaxAge ? expires : now + MaxAge;
            _accepted[token] = new Accepted(identity.Clone(), jwt, result.Issuer, until);
        }

        return result;
    }

    private sealed record Accepted(ClaimsIdentity Identity, SecurityToken SecurityToken, string Issuer, DateTimeOffset Until);
}
