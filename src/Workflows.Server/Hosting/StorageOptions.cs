namespace Workflows.Server.Hosting;

/// <summary>Where jobs and apps are stored (config section <c>Workflows:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>Config section name.</summary>
    public const string Section = "Workflows:Storage";

    /// <summary>The values <see cref="Provider"/> accepts (case does not matter).</summary>
    public static readonly IReadOnlyList<string> Providers = ["Sqlite", "Postgres", "InMemory"];

    /// <summary>
    /// <c>Sqlite</c> (default): one file in the data dir, one node. <c>Postgres</c>: one database shared by any number of
    /// nodes, given by <see cref="ConnectionString"/>. <c>InMemory</c>: nothing survives a restart; for demos and tests.
    /// </summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The PostgreSQL connection string (Npgsql syntax); required with <c>Postgres</c>, unused otherwise.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether <see cref="Provider"/> is <c>InMemory</c>.</summary>
    public bool IsInMemory => Provider.Equals("InMemory", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Provider"/> names PostgreSQL (<c>Postgres</c> or <c>PostgreSQL</c>).</summary>
    public bool IsPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || Provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase);
}
