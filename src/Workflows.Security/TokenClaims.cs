namespace Workflows.Security;

/// <summary>Claim names and fixed values of the service's bearer tokens.</summary>
public static class TokenClaims
{
    /// <summary>Issuer (<c>iss</c>) of every token.</summary>
    public const string Issuer = "workflows";

    /// <summary>Audience (<c>aud</c>) of every token.</summary>
    public const string Audience = "workflows";

    /// <summary>The organisation the token belongs to.</summary>
    public const string Organization = "org";

    /// <summary>The action: <c>exec</c> or <c>admin</c>.</summary>
    public const string Action = "act";

    /// <summary>The subject, as given to the generator (for example <c>Workflow</c>).</summary>
    public const string Subject = "sub";

    /// <summary>Recipe (app) ids an exec token is limited to; absent for all.</summary>
    public const string Recipes = "recipes";

    /// <summary>Token id.</summary>
    public const string TokenId = "jti";

    /// <summary>Action that runs recipes and reads their jobs.</summary>
    public const string ExecAction = "exec";

    /// <summary>Action that manages the organisation's apps and tokens, and runs anything.</summary>
    public const string AdminAction = "admin";
}
