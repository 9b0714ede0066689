using Microsoft.Data.Sqlite;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Binding and reading helpers for cached commands.</summary>
internal static class CommandExtensions
{
    /// <summary>Sets a parameter the SQL declares; null becomes SQL NULL.</summary>
    public static SqliteCommand Set(this SqliteCommand command, string name, object? value)
    {
        command.Parameters[name].Value = value ?? DBNull.Value;
        return command;
    }

    /// <summary>Runs the query and maps its first row, or default when there is none.</summary>
    public static T? ReadFirst<T>(this SqliteCommand command, Func<System.Data.Common.DbDataReader, T> map)
    {
        using var reader = command.ExecuteReader();
        return Rows.ReadFirst(reader, map);
    }

    /// <summary>Runs the query and maps every row.</summary>
    public static List<T> ReadAll<T>(this SqliteCommand command, Func<System.Data.Common.DbDataReader, T> map)
    {
        using var reader = command.ExecuteReader();
        return Rows.ReadAll(reader, map);
    }
}
