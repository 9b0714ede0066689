namespace Workflows.Engine.Apps.Internal;

/// <summary>
/// Watches a folder tree and calls back once things have been quiet for a moment, so an editor's save (often
/// several events: truncate, write, rename) causes one reload.
/// </summary>
internal sealed class DebouncedFolderWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly TimeSpan _delay;
    private readonly Func<Task> _onChange;
    private volatile bool _disposed;

    /// <summary>Starts watching; throws when the folder cannot be watched (for example no inotify instance left).</summary>
    public DebouncedFolderWatcher(string directory, TimeSpan delay, Func<Task> onChange)
    {
        _delay = delay;
        _onChange = onChange;
        _timer = new Timer(_ => Fire(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += (_, _) => Touch();
        _watcher.Created += (_, _) => Touch();
        _watcher.Deleted += (_, _) => Touch();
        _watcher.Renamed += (_, _) => Touch();

        // An overflowed event buffer means changes were lost: reload everything.
        _watcher.Error += (_, _) => Touch();
        try
        {
            _watcher.EnableRaisingEvents = true;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _watcher.Dispose();
        _timer.Dispose();
    }

    private void Touch()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the call.
        }
    }

    private void Fire()
    {
        if (!_disposed)
        {
            _ = _onChange();
        }
    }
}
