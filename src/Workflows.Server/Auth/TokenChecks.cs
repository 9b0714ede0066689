using System.Globalization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Security;
using Workflows.Server.Hosting;

namespace Workflows.Server.Auth;

/// <summary>
/// What the service checks of a token beyond its signature and times, on every call (a token the
/// <see cref="CachingTokenHandler"/> remembers included): it is not revoked, and it does not live longer than
/// <see cref="AuthOptions.MaxTokenLifetime"/>. A refusal is a 401 with the reason, like any other bad token.
/// </summary>
internal sealed class TokenChecks(RevokedTokens revoked, TimeProvider time, IOptions<WorkflowsOptions> options)
{
    /// <summary>The longest lifetime a token may have.</summary>
    public TimeSpan MaxLifetime { get; } = options.Value.Auth.MaxTokenLifetime;

    /// <summary>The <see cref="JwtBearerEvents.OnTokenValidated"/> handler: fails the authentication of a refused token.</summary>
    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        var checks = context.HttpContext.RequestServices.GetRequiredService<TokenChecks>();
        if (checks.Refusal(context.SecurityToken) is { } reason)
        {
            context.Fail(new TokenRefusedException(reason));
        }

        return Task.CompletedTask;
    }

    /// <summary>Why the token is refused, or null when it is not.</summary>
    public string? Refusal(SecurityToken token)
    {
        if (token is not JsonWebToken jwt)
        {
            return null;
        }

        var organization = jwt.TryGetPayloadValue<string>(TokenClaims.Organization, out var org) ? org : "";
        var id = jwt.TryGetPayloadValue<string>(TokenClaims.TokenId, out var jti) ? jti : "";
        if (revoked.IsRevoked(organization ?? "", id ?? ""))
        {
            return "the token has been revoked";
        }

        var now = time.GetUtcNow().UtcDateTime;
        // A token issued "in the future" counts from now, so an iat far ahead cannot stretch its lifetime.
        var from = jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _) && jwt.IssuedAt < now ? jwt.IssuedAt : now;
        var lifetime = jwt.ValidTo - from;
        return lifetime > MaxLifetime
            ? $"the token's lifetime ({Show(lifetime)}) is longer than this server accepts (at most {Show(MaxLifetime)})"
            : null;
    }

    /// <summary>A lifetime for a message: whole days when it is days long, else hours, minutes or seconds.</summary>
    internal static string Show(TimeSpan span) => span switch
    {
        { TotalDays: 1 } => "1 day",
        { TotalDays: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.##} days"),
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.##} h"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.##} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.##} s"),
    };
}

/// <summary>A token refused by <see cref="TokenChecks"/>; its message is the reason the caller is told.</summary>
internal sealed class TokenRefusedException(string message) : SecurityTokenValidationException(message);
