using System.Security.Claims;
using Grpc.Core;
using Workflows.Engine.Jobs;
using Workflows.Security;

namespace Workflows.Server.Auth;

/// <summary>Who is calling, from the validated token: organisation, token id, action and recipe limits.</summary>
/// <param name="OrganizationId">The token's organisation.</param>
/// <param name="TokenId">The token's id (<c>jti</c>).</param>
/// <param name="Action"><c>exec</c> or <c>admin</c> (anything else may do nothing).</param>
/// <param name="RecipeIds">The only apps an exec token may use, or null for all of the organisation's.</param>
public sealed record Caller(string OrganizationId, string TokenId, string Action, IReadOnlySet<string>? RecipeIds)
{
    /// <summary>The token's subject (<c>sub</c>), recorded as the creator of the jobs it starts; null when it has none.</summary>
    public string? Subject { get; init; }

    /// <summary>Whether the token may manage apps and tokens.</summary>
    public bool IsAdmin => Action == TokenClaims.AdminAction;

    /// <summary>Reads the caller of a gRPC call (also used for transcoded REST calls).</summary>
    public static Caller From(ServerCallContext context) => From(context.GetHttpContext().User);

    /// <summary>Reads the caller from an authenticated principal.</summary>
    public static Caller From(ClaimsPrincipal user)
    {
        var org = user.FindFirstValue(TokenClaims.Organization);
        if (string.IsNullOrEmpty(org))
        {
            throw new EngineException(EngineErrorKind.PermissionDenied, "the token names no organisation");
        }

        var recipes = user.FindAll(TokenClaims.Recipes).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(
            org,
            user.FindFirstValue(TokenClaims.TokenId) ?? "",
            user.FindFirstValue(TokenClaims.Action) ?? "",
            recipes.Count == 0 ? null : recipes)
        {
            Subject = user.FindFirstValue(TokenClaims.Subject) is { Length: > 0 } subject ? subject : null,
        };
    }

    /// <summary>Whether the token may run (and see the jobs of) this app.</summary>
    public bool CanUseApp(string appId) =>
        IsAdmin || (Action == TokenClaims.ExecAction && (RecipeIds is null || RecipeIds.Contains(appId)));

    /// <summary>Throws 403 unless the token may run this app.</summary>
    public void EnsureCanRun(string appId)
    {
        EnsureCanRead();
        if (!CanUseApp(appId))
        {
            throw new EngineException(EngineErrorKind.PermissionDenied, $"this token may not run app '{appId}'");
        }
    }

    /// <summary>Throws 403 unless the token has a usable action at all.</summary>
    public void EnsureCanRead()
    {
        if (!IsAdmin && Action != TokenClaims.ExecAction)
        {
            throw new EngineException(EngineErrorKind.PermissionDenied, "this token has no scope that allows this call");
        }
    }

    /// <summary>Throws 403 unless the token is an admin token.</summary>
    public void EnsureAdmin()
    {
        if (!IsAdmin)
        {
            throw new EngineException(EngineErrorKind.PermissionDenied, "this call needs an admin token");
        }
    }
}
