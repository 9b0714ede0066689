namespace Workflows.Engine.Apps;

/// <summary>Where apps come from.</summary>
public sealed class AppCatalogOptions
{
    /// <summary>Config section name.</summary>
    public const string SectionName = "Workflows:Apps";

    /// <summary>The apps folder: one sub-folder per app (<c>app.yaml</c> + <c>NAME.flow</c> files). Watched for changes.</summary>
    public string AppsDir { get; set; } = "apps";

    /// <summary>Whether to reload apps when files in the folder change.</summary>
    public bool Watch { get; set; } = true;
}
