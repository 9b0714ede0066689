using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Workflows.Server.Api;

/// <summary>
/// Tells a database that cannot answer now (down, restarting, connections cut, busy) from a bug: the first is answered
/// 503 / <c>UNAVAILABLE</c> with a plain message, so callers retry, instead of 500 "internal error".
/// </summary>
internal static class StoreOutage
{
    /// <summary>What callers read; nothing about hosts, ports or the error behind it.</summary>
    public const string Message = "the database is unavailable at the moment; try again shortly";

    /// <summary>How long a caller is asked to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    // SQLite result codes that pass on their own: BUSY, LOCKED, IOERR, FULL, CANTOPEN.
    private static readonly HashSet<int> SqliteUnavailable = [5, 6, 10, 13, 14];

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) says the database cannot answer now.</summary>
    public static bool Is(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++, exception = exception.InnerException)
        {
            switch (exception)
            {
                case PostgresException postgres when IsUnavailable(postgres.SqlState):
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: IOException or SocketException or TimeoutException }:
                case SqliteException sqlite when SqliteUnavailable.Contains(sqlite.SqliteErrorCode & 0xFF):
                    return true;
                case PostgresException:
                    // The server answered and refused: a bug or bad data, not an outage.
                    return false;
            }
        }

        return false;
    }

    // Connection exceptions (08…), the server shutting down or starting (57P01–57P03), out of connections (53300).
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300";
}
