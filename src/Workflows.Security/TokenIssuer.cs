using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Workflows.Security;

/// <summary>Mints HS256 bearer tokens, as the documented generator does: action, subject, lifetime, recipe ids.</summary>
/// <param name="key">The signing key (see <see cref="SigningKeys"/>).</param>
/// <param name="time">Clock.</param>
public sealed class TokenIssuer(byte[] key, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly SigningCredentials _credentials = new(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256);

    /// <summary>The longest lifetime a token may have (ten years).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    /// <summary>Creates a token; throws <see cref="ArgumentException"/> for a bad action, subject or lifetime.</summary>
    public IssuedToken Create(string organizationId, string action, string subject, TimeSpan lifetime, IReadOnlyCollection<string> recipeIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        if (action is not (TokenClaims.ExecAction or TokenClaims.AdminAction))
        {
            throw new ArgumentException($"action must be '{TokenClaims.ExecAction}' or '{TokenClaims.AdminAction}', got '{action}'");
        }

        if (string.IsNullOrWhiteSpace(subject))
        {
            throw new ArgumentException("subject is required");
        }

        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw new ArgumentException($"expires_in must be between 1 ms and {MaxLifetime.TotalMilliseconds:0} ms");
        }

        var now = time.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        var claims = new Dictionary<string, object>
        {
            [TokenClaims.Organization] = organizationId,
            [TokenClaims.Action] = action,
            [TokenClaims.Subject] = subject,
            [TokenClaims.TokenId] = id,
        };
        if (recipeIds.Count > 0)
        {
            claims[TokenClaims.Recipes] = recipeIds.ToArray();
        }

        var expires = now + lifetime;
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenClaims.Issuer,
            Audience = TokenClaims.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = _credentials,
        });
        return new IssuedToken(token, id, expires);
    }
}

/// <summary>A minted token.</summary>
/// <param name="Token">The compact JWT.</param>
/// <param name="Id">Its <c>jti</c>.</param>
/// <param name="ExpiresAt">When it expires.</param>
public sealed record IssuedToken(string Token, string Id, DateTimeOffset ExpiresAt);
