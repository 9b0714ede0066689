namespace Workflows.Server.Hosting;

/// <summary>The service's own settings (config section <c>Workflows</c>).</summary>
public sealed class WorkflowsOptions
{
    /// <summary>Config section name.</summary>
    public const string Section = "Workflows";

    /// <summary>Where the SQLite file, keys and files live. Relative paths are from the content root.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>The apps folder. Relative paths are from the content root.</summary>
    public string AppsDir { get; set; } = "apps";

    /// <summary>Organisations by id; <c>default</c> always exists.</summary>
    public Dictionary<string, OrganizationOptions> Organizations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Token settings.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>The organisation's display name, or null when it is not configured.</summary>
    public string? OrganizationName(string id) =>
        Organizations.TryGetValue(id, out var org) ? (string.IsNullOrEmpty(org.Name) ? id : org.Name)
        : id == "default" ? "Default" : null;
}

/// <summary>One configured organisation.</summary>
public sealed class OrganizationOptions
{
    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";
}

/// <summary>Token settings (<c>Workflows:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>HS256 key (base64, or text of at least 32 bytes); generated into the data dir when empty.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Writes an admin token for organisation <c>default</c> to <c>DATA_DIR/dev-token</c> at start, for local use.
    /// Off unless configured (the Development settings turn it on).
    /// </summary>
    public bool WriteDevToken { get; set; }

    /// <summary>
    /// How often a node reads the revoked tokens from the store: a revocation through another node takes effect here
    /// within this interval (through this node, at once).
    /// </summary>
    public TimeSpan RevocationRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest lifetime a token may have (its <c>exp</c> minus its <c>iat</c>, or minus now without <c>iat</c>); a
    /// longer-lived token is refused (401), and CreateToken refuses to mint one. The default is the generator's own limit
    /// (3650 days), so nothing is refused unless it is lowered.
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; set; } = Workflows.Security.TokenIssuer.MaxLifetime;
}
