using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// A statement of the writer's hot path, prepared once and driven through SQLite's C API: parameters are bound by
/// index as they are set (their indexes are looked up once, at prepare), text is encoded into a pooled buffer, and a
/// run is one step and one reset. Microsoft.Data.Sqlite binds every parameter by name on every execution (a UTF-8
/// conversion and a native lookup each) and builds a data reader even for a non-query; for the few statements every
/// job runs several times that was most of the writer's CPU. Errors are raised as the same
/// <see cref="SqliteException"/> Microsoft.Data.Sqlite would raise. Used by one thread at a time, like its connection.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int SqliteRow = 100;
    private const int SqliteDone = 101;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);
    // The parameters' names by index (0 unused, as SQLite counts from 1), interned so a caller's literal is the same
    // reference, and the index bound last: callers set the parameters in the SQL's order, so the next name is almost
    // always the one after the last and the dictionary is only the fallback (it was 2.5 % of a sync Run's CPU).
    private readonly string[] _names;
    private int _last;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        var count = raw.sqlite3_bind_parameter_count(_statement);
        _names = new string[count + 1];
        _names[0] = "";
        for (var i = 1; i <= count; i++)
        {
            _names[i] = string.Intern(raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string());
            _indexes[_names[i]] = i;
        }
    }

    /// <summary>Binds text (SQL NULL when null).</summary>
    public RawStatement Set(string name, string? value)
    {
        var index = Index(name);
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return this;
        }

        if (value.Length == 0)
        {
            // Nothing to encode; and never a null pointer, which SQLite would bind as NULL rather than ''.
            Check(raw.sqlite3_bind_text(_statement, index, string.Empty));
            return this;
        }

        var size = value.Length <= 4096 ? Encoding.UTF8.GetMaxByteCount(value.Length) : Encoding.UTF8.GetByteCount(value);
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            // SQLite copies the bytes (SQLITE_TRANSIENT), so the buffer goes back to the pool at once.
            Check(raw.sqlite3_bind_text(_statement, index, rented.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return this;
    }

    /// <summary>Binds an integer (SQL NULL when null).</summary>
    public RawStatement Set(string name, long? value)
    {
        var index = Index(name);
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    /// <summary>Runs the statement to its end; returns the number of rows it changed.</summary>
    public int ExecuteNonQuery()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == SqliteRow)
            {
                // RETURNING rows or a SELECT run for its effect: nothing to read.
            }

            if (rc != SqliteDone)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>The first column of the first row as an integer (0 for SQL NULL); the statement must return a row.</summary>
    public long ExecuteScalarInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != SqliteRow)
            {
                SqliteException.ThrowExceptionForRC(rc == SqliteDone ? 1 : rc, _db);
            }

            return raw.sqlite3_column_int64(_statement, 0);
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Every parameter back to NULL, as <see cref="CachedConnection.Command"/> does for its commands.</summary>
    public RawStatement Start()
    {
        _last = 0;
        raw.sqlite3_clear_bindings(_statement);
        return this;
    }

    public void Dispose() => _statement.Dispose();

    private int Index(string name)
    {
        var next = _last + 1;
        if (next < _names.Length && string.Equals(_names[next], name, StringComparison.Ordinal))
        {
            return _last = next;
        }

        return _last = _indexes.TryGetValue(name, out var index)
            ? index
            : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
    }

    // Ends the run (releases what the statement holds); the bindings stay until the next Start.
    private void Clear()
    {
        _last = 0;
        raw.sqlite3_reset(_statement);
    }

    private void Check(int rc)
    {
        if (rc != 0)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
