namespace Workflows.Engine.Files;

/// <summary>
/// File store settings (config section <c>Workflows:Files</c>). Not called <c>FileOptions</c> so that it never
/// clashes with <see cref="System.IO.FileOptions"/>, which every file sees through implicit usings.
/// </summary>
public sealed class FileStoreOptions
{
    /// <summary>Config section name.</summary>
    public const string SectionName = "Workflows:Files";

    /// <summary>The <see cref="Store"/> value for files in the job store's database.</summary>
    public const string DatabaseStore = "Database";

    /// <summary>The <see cref="Store"/> value for files on the local disk under <see cref="RootPath"/>.</summary>
    public const string DiskStore = "Disk";

    /// <summary>The default size limit: 25 MiB.</summary>
    public const long DefaultMaxFileBytes = 25L * 1024 * 1024;

    /// <summary>The largest file the store accepts, in bytes; checked while the bytes stream in.</summary>
    public long MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>
    /// Where files are kept: <see cref="DatabaseStore"/> (in the job store's database, so every node sharing it serves
    /// every file) or <see cref="DiskStore"/> (under <see cref="RootPath"/>). Unset means disk; the host defaults to the
    /// database on PostgreSQL.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>Whether <see cref="Store"/> names the database (case does not matter).</summary>
    public bool UsesDatabase => string.Equals(Store, DatabaseStore, StringComparison.OrdinalIgnoreCase);

    /// <summary>Where blobs and metadata live; the host sets <c>DATA_DIR/files</c>.</summary>
    public string RootPath { get; set; } = Path.Combine("data", "files");

    /// <summary>How long fetching one launch variable's URL may take.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The service's public base URL (for example <c>https://flows.example.com</c>) for absolute file URLs; when empty
    /// the scheme and host of the request being answered are used.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}
