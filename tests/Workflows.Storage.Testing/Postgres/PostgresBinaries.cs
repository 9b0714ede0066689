namespace Workflows.Storage.Testing.Postgres;

/// <summary>
/// Where the PostgreSQL server binaries are: <c>$WORKFLOWS_PG_BIN</c> when set (only there), else
/// <c>/usr/lib/postgresql/*/bin</c>, version 15 first, then the newest. Also decides whether tests that need them are
/// skipped (binaries missing on a developer's machine) or must run and fail (missing on CI, where <c>CI=true</c>).
/// </summary>
public static class PostgresBinaries
{
    /// <summary>The environment variable that names the bin directory explicitly.</summary>
    public const string BinDirectoryVariable = "WORKFLOWS_PG_BIN";

    private const string Root = "/usr/lib/postgresql";
    private const string PreferredVersion = "15";

    /// <summary>The directory holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>, or null when there is none.</summary>
    public static string? Directory { get; } = Find();

    /// <summary>Whether this run is CI's (<c>CI=true</c>), where missing binaries are a failure, not a skip.</summary>
    public static bool IsCi { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the binaries were not found, with how to fix it.</summary>
    public static string NotFoundMessage { get; } = Environment.GetEnvironmentVariable(BinDirectoryVariable) is { Length: > 0 } explicitDirectory
        ? $"PostgreSQL not found in {BinDirectoryVariable}={explicitDirectory} (it needs initdb, pg_ctl and postgres); " +
          $"point it at a PostgreSQL bin directory, or unset it to search {Root}/*/bin."
        : $"PostgreSQL not found in {Root}/*/bin; install postgresql-{PreferredVersion} (apt-get install postgresql-{PreferredVersion}) " +
          $"or set {BinDirectoryVariable} to a PostgreSQL bin directory.";

    /// <summary>
    /// Why tests needing PostgreSQL are skipped here, or null when they run: the binaries exist, or this is CI, where
    /// the tests run anyway and fail with <see cref="NotFoundMessage"/>.
    /// </summary>
    public static string? SkipReason => Directory is null && !IsCi ? NotFoundMessage : null;

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(BinDirectoryVariable) is { Length: > 0 } explicitDirectory)
        {
            return HasServer(explicitDirectory) ? Path.GetFullPath(explicitDirectory) : null;
        }
        if (!System.IO.Directory.Exists(Root))
        {
            return null;
        }
        return System.IO.Directory.GetDirectories(Root)
            .Select(version => (Version: Path.GetFileName(version), Bin: Path.Combine(version, "bin")))
            .Where(candidate => HasServer(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version == PreferredVersion)
            .ThenByDescending(candidate => double.TryParse(candidate.Version, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : 0)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static bool HasServer(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) &&
        File.Exists(Path.Combine(directory, "pg_ctl")) &&
        File.Exists(Path.Combine(directory, "postgres"));
}
