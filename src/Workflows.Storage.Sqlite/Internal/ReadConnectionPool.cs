using System.Collections.Concurrent;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// Open read-only connections with their prepared statements. WAL lets them read while the writer writes;
/// each sees the last committed state when its statement starts.
/// </summary>
internal sealed class ReadConnectionPool(SqliteStoreOptions options) : IDisposable
{
    private readonly ConcurrentBag<CachedConnection> _idle = [];
    private readonly int _maxIdle = Math.Max(4, Environment.ProcessorCount * 2);
    private volatile bool _disposed;

    /// <summary>Runs <paramref name="read"/> on a pooled connection.</summary>
    public T Read<TState, T>(TState state, Func<CachedConnection, TState, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteStore));
        var connection = _idle.TryTake(out var idle) ? idle : CachedConnection.Open(options, writer: false);
        try
        {
            return read(connection, state);
        }
        finally
        {
            Return(connection);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }

    private void Return(CachedConnection connection)
    {
        if (_disposed || _idle.Count >= _maxIdle)
        {
            connection.Dispose();
            return;
        }
        _idle.Add(connection);
        if (_disposed)
        {
            // Dispose ran between the check and the add.
            DrainIdle();
        }
    }

    private void DrainIdle()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
