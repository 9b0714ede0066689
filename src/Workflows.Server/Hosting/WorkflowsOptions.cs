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
}
