namespace Workflows.Server.Hosting;

/// <summary>Where jobs and apps are stored (config section <c>Workflows:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>Config section name.</summary>
    public const string Section = "Workflows:Storage";

    /// <summary>
    /// <c>Sqlite</c> (default): one file in the data dir, one node. <c>Postgres</c>: one database shared by any number of
    /// nodes, given by <see cref="ConnectionString"/>.
    /// </summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The PostgreSQL connection string (Npgsql syntax); required with <c>Postgres</c>, unused with <c>Sqlite</c>.</summary>
    public string? ConnectionString { get; set; }
}
