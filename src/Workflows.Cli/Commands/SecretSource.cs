using System.CommandLine;
using Microsoft.Data.Sqlite;
using Workflows.Cli.Client;
using Workflows.Engine.Storage;
using Workflows.Security;
using Workflows.Storage.Postgres;
using Workflows.Storage.Sqlite;

namespace Workflows.Cli.Commands;

/// <summary>
/// Where <c>token</c> and <c>webhook-secret</c> find the server's secrets, as the server keeps them: in its database
/// (<c>--connection-string</c>, the provider inferred or given by <c>--provider</c>), or in the data dir (its SQLite
/// database when there is one, else the key files).
/// </summary>
internal sealed class SecretSource : IAsyncDisposable
{
    /// <summary>The values <c>--provider</c> takes.</summary>
    public static readonly string[] Providers = ["Postgres", "Sqlite"];

    private readonly IAsyncDisposable? _owned;

    private SecretSource(ISecretStore store, ISecretStore? importFrom, IAsyncDisposable? owned)
    {
        Store = store;
        ImportFrom = importFrom;
        _owned = owned;
    }

    /// <summary>The store to read and write.</summary>
    public ISecretStore Store { get; }

    /// <summary>The data dir's key files, imported when the database has none yet (as the server does), or null.</summary>
    public ISecretStore? ImportFrom { get; }

    public static Option<string?> ConnectionString() => CommonOptions.RefuseOptionAsValue(new Option<string?>("--connection-string")
    {
        Description = "The server's database (Workflows:Storage:ConnectionString), to use its keys instead of the data dir's "
            + "(e.g. \"Host=db;Username=workflows;Password=...;Database=workflows\", or \"Data Source=data/workflows.db\")",
        HelpName = "CONNECTION",
        Recursive = true,
    });

    public static Option<string?> Provider()
    {
        var option = CommonOptions.RefuseOptionAsValue(new Option<string?>("--provider")
        {
            Description = "The database --connection-string names: Postgres or Sqlite [default: told from the connection string]",
            HelpName = "PROVIDER",
            Recursive = true,
        });
        option.Validators.Add(result =>
        {
            var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (value is not null && !value.StartsWith("--", StringComparison.Ordinal) && ParseProvider(value) is null)
            {
                result.AddError($"--provider must be {string.Join(" or ", Providers)}, got '{value}'");
            }
        });
        return option;
    }

    /// <summary>Opens the store the options name; the caller disposes it.</summary>
    public static async Task<SecretSource> OpenAsync(
        ParseResult parsed, Option<string?> dataDir, Option<string?> connectionString, Option<string?> provider, CancellationToken cancellationToken)
    {
        var connection = parsed.GetValue(connectionString);
        var givenDataDir = parsed.GetValue(dataDir);
        if (string.IsNullOrWhiteSpace(connection))
        {
            if (parsed.GetValue(provider) is not null)
            {
                throw new CliException(CliApp.UsageExitCode, "--provider needs --connection-string");
            }

            var dir = CommonOptions.ResolveDataDir(parsed, dataDir);
            var files = new DataDirSecretStore(dir);
            var database = Path.Combine(dir, "workflows.db");
            // A SQLite server keeps its keys in its database; without one, the key files are what a server will import.
            if (File.Exists(database))
            {
                var sqlite = new SqliteSecretStore(database);
                return new SecretSource(sqlite, files, new SyncDisposer(sqlite));
            }

            return new SecretSource(files, null, null);
        }

        // The data dir's files are imported only when asked for by name: the database's own key is the cluster's.
        var import = givenDataDir is null ? null : new DataDirSecretStore(Path.GetFullPath(givenDataDir));
        var kind = parsed.GetValue(provider) is { } named ? ParseProvider(named)! : Infer(connection);
        if (kind == "Sqlite")
        {
            var sqlite = new SqliteSecretStore(SqlitePath(connection));
            return new SecretSource(sqlite, import, new SyncDisposer(sqlite));
        }

        PostgresStore? postgres = null;
        try
        {
            postgres = new PostgresStore(new PostgresStoreOptions { ConnectionString = connection });
            await postgres.InitializeAsync(cancellationToken);
            return new SecretSource(postgres, import, postgres);
        }
        catch (Exception ex) when (ex is ArgumentException or Npgsql.NpgsqlException or System.Net.Sockets.SocketException)
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            // The message of a bad connection string or an unreachable server; never the connection string (it holds a password).
            throw new CliException($"cannot open the PostgreSQL database: {ex.Message}", ex);
        }
    }

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static string? ParseProvider(string value) =>
        Providers.FirstOrDefault(p => p.Equals(value, StringComparison.OrdinalIgnoreCase))
        ?? (value.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) ? "Postgres" : null);

    private static string Infer(string connection)
    {
        var text = connection.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(CliApp.UsageExitCode, "--connection-string takes the Npgsql form (Host=...;Username=...), not a URL");
        }

        var keys = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)[0].Trim().ToUpperInvariant())
            .ToHashSet();
        if (keys.Overlaps(["HOST", "SERVER", "USERNAME", "USER ID", "DATABASE"]))
        {
            return "Postgres";
        }

        if (keys.Overlaps(["DATA SOURCE", "DATASOURCE", "FILENAME"]) || !text.Contains('=', StringComparison.Ordinal))
        {
            return "Sqlite";
        }

        throw new CliException(CliApp.UsageExitCode, "cannot tell the database of --connection-string; give --provider Postgres or Sqlite");
    }

    // "Data Source=path" (Microsoft.Data.Sqlite's form), or the bare path.
    private static string SqlitePath(string connection)
    {
        if (!connection.Contains('=', StringComparison.Ordinal))
        {
            return connection.Trim();
        }

        var path = new SqliteConnectionStringBuilder(connection).DataSource;
        return string.IsNullOrWhiteSpace(path) || path.StartsWith(":memory:", StringComparison.OrdinalIgnoreCase)
            ? throw new CliException(CliApp.UsageExitCode, "--connection-string must name a SQLite file (Data Source=...)")
            : path;
    }

    private sealed class SyncDisposer(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
