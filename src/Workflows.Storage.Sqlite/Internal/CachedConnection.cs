using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// An open connection that keeps one prepared command per SQL text, so hot statements are compiled once.
/// Used by one thread at a time (the writer, or whoever rented it from the read pool).
/// </summary>
internal sealed partial class CachedConnection : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement> _statements = new(StringComparer.Ordinal);

    private CachedConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>Opens a connection and applies per-connection pragmas.</summary>
    public static CachedConnection Open(SqliteStoreOptions options, bool writer)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // We keep our connections open ourselves; the library's pool would only keep the file open after dispose.
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var cached = new CachedConnection(connection);
            cached.Execute($"PRAGMA busy_timeout = {Math.Max(0, options.BusyTimeoutMs)}");
            if (writer)
            {
                var mode = cached.Scalar("PRAGMA journal_mode = WAL");
                if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite refused WAL journal mode for '{options.DatabasePath}' (got '{mode}').");
                }
                cached.Execute(options.FullSync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
                cached.Execute("PRAGMA foreign_keys = ON");
                // The writer's per-item savepoints keep the pages an item changes in a statement journal, to roll that
                // item back alone; in memory that is bookkeeping, in a temp file it was a write per page per item.
                cached.Execute("PRAGMA temp_store = MEMORY");
            }
            else
            {
                // Readers never write; this turns a bug that would write outside the writer into an error.
                cached.Execute("PRAGMA query_only = ON");
            }
            return cached;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The prepared command for <paramref name="sql"/>, with every parameter reset to NULL.</summary>
    public SqliteCommand Command(string sql)
    {
        if (_commands.TryGetValue(sql, out var command))
        {
            foreach (SqliteParameter parameter in command.Parameters)
            {
                parameter.Value = DBNull.Value;
            }
            return command;
        }

        command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (Match match in ParameterName().Matches(sql))
        {
            if (!command.Parameters.Contains(match.Value))
            {
                command.Parameters.Add(new SqliteParameter(match.Value, DBNull.Value));
            }
        }
        command.Prepare();
        _commands.Add(sql, command);
        return command;
    }

    /// <summary>
    /// The hot-path statement for <paramref name="sql"/> (see <see cref="RawStatement"/>), prepared on first use, with
    /// every parameter reset to NULL.
    /// </summary>
    public RawStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(Connection, sql);
            _statements.Add(sql, statement);
        }

        return statement.Start();
    }

    /// <summary>Runs SQL that is not worth caching (pragmas, migrations, transaction control at start).</summary>
    public int Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL that is not worth caching and returns the first column of the first row.</summary>
    public object? Scalar(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }
        _statements.Clear();
        Connection.Dispose();
    }

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}
