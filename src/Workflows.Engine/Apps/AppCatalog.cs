using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Engine.Apps.Internal;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Apps;

/// <summary>The apps folder plus the API-stored apps, validated, cached and swapped atomically on change.</summary>
public sealed class AppCatalog(BlockRegistry blocks, IAppStore store, IOptions<AppCatalogOptions> options, ILogger<AppCatalog> logger)
    : IAppCatalog, IDisposable
{
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private readonly string _appsDir = Path.GetFullPath(options.Value.AppsDir);

    // Serializes writers (initial load, reloads, puts, deletes); readers only read _snapshot.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private CatalogSnapshot _snapshot = CatalogSnapshot.Empty;
    private DebouncedFolderWatcher? _watcher;
    private int _disposed;
    private long _version;

    private CatalogSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Watch first, so a change made while loading still triggers a reload.
        StartWatching();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (byName, folder) = LoadFolders(Snapshot);
            var api = ImmutableDictionary<AppKey, AppDefinition>.Empty;
            foreach (var stored in await store.ListAppsAsync(cancellationToken))
            {
                try
                {
                    var app = AppLoader.FromStored(stored, blocks);
                    api = api.SetItem(new AppKey(app.OrganizationId, app.Id), app);
                }
                catch (DefinitionException e)
                {
                    AppCatalogLog.StoredAppRefused(logger, stored.Id, stored.OrganizationId, e.File, e.Line, e.Reason);
                }
            }

            WarnHidden(folder, api);
            Publish(new CatalogSnapshot(byName, folder, api));
            AppCatalogLog.AppsLoaded(logger, folder.Count, _appsDir, api.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<AppDefinition> ListApps(string organizationId) => Snapshot.List(organizationId);

    /// <inheritdoc />
    public IReadOnlyList<AppDefinition> ListAllApps() => Snapshot.All();

    /// <inheritdoc />
    public long Version => Interlocked.Read(ref _version);

    /// <inheritdoc />
    public AppDefinition? GetApp(string organizationId, string appId) => Snapshot.Get(new AppKey(organizationId, appId));

    /// <inheritdoc />
    public async Task<AppDefinition> PutAppAsync(StoredApp app, CancellationToken cancellationToken)
    {
        var definition = AppLoader.FromStored(app, blocks);
        var key = new AppKey(definition.OrganizationId, definition.Id);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Snapshot.Folder.ContainsKey(key))
            {
                throw new InvalidOperationException($"app '{definition.Id}' comes from the apps folder and cannot be replaced through the API");
            }

            await store.PutAppAsync(app, cancellationToken);
            Publish(Snapshot.WithApi(Snapshot.Api.SetItem(key, definition)));
            return definition;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken)
    {
        var key = new AppKey(organizationId, appId);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var known = Snapshot.Api.ContainsKey(key);
            if (!known && Snapshot.Folder.ContainsKey(key))
            {
                return false;
            }

            // The store may hold an app the catalog refused at start (it no longer validates); delete that too.
            var deleted = await store.DeleteAppAsync(organizationId, appId, cancellationToken);
            if (known)
            {
                Publish(Snapshot.WithApi(Snapshot.Api.Remove(key)));
            }

            return deleted || known;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void StartWatching()
    {
        if (!options.Value.Watch || _watcher is not null)
        {
            return;
        }

        if (!Directory.Exists(_appsDir))
        {
            return;
        }

        try
        {
            _watcher = new DebouncedFolderWatcher(_appsDir, ReloadDelay, ReloadFoldersAsync);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            AppCatalogLog.WatchFailed(logger, _appsDir, e);
        }
    }

    private async Task ReloadFoldersAsync()
    {
        try
        {
            await _gate.WaitAsync(_stopping.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        try
        {
            var (byName, folder) = LoadFolders(Snapshot);
            WarnHidden(folder, Snapshot.Api);
            Publish(Snapshot.WithFolders(byName, folder));
            AppCatalogLog.AppsReloaded(logger, folder.Count);
        }
        catch (Exception e)
        {
            AppCatalogLog.ReloadFailed(logger, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Loads every sub-folder; a broken one keeps its previous good version (if any), never a half-loaded one.
    private (ImmutableDictionary<string, AppDefinition> ByName, ImmutableDictionary<AppKey, AppDefinition> Folder) LoadFolders(
        CatalogSnapshot previous)
    {
        var byName = ImmutableDictionary.CreateBuilder<string, AppDefinition>(StringComparer.Ordinal);
        var folder = ImmutableDictionary.CreateBuilder<AppKey, AppDefinition>();
        if (!Directory.Exists(_appsDir))
        {
            AppCatalogLog.AppsDirMissing(logger, _appsDir);
            return (byName.ToImmutable(), folder.ToImmutable());
        }

        var firstFolder = new Dictionary<AppKey, string>();
        var names = Directory.EnumerateDirectories(_appsDir)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => !n.StartsWith('.'))
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (LoadFolder(name, previous) is not { } app)
            {
                continue;
            }

            byName[name] = app;
            var key = new AppKey(app.OrganizationId, app.Id);
            if (firstFolder.TryGetValue(key, out var first))
            {
                AppCatalogLog.DuplicateFolderApp(logger, app.Id, app.OrganizationId, name, first);
                continue;
            }

            firstFolder[key] = name;
            folder[key] = app;
        }

        return (byName.ToImmutable(), folder.ToImmutable());
    }

    private AppDefinition? LoadFolder(string name, CatalogSnapshot previous)
    {
        DefinitionException error;
        try
        {
            return AppLoader.LoadFolder(Path.Combine(_appsDir, name), blocks);
        }
        catch (DefinitionException e)
        {
            error = e;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder changed under us (deleted, renamed); the next event reloads again.
            error = new DefinitionException(name, 0, e.Message);
        }

        if (previous.FoldersByName.TryGetValue(name, out var old))
        {
            AppCatalogLog.AppKeptPrevious(logger, name, error.File, error.Line, error.Reason);
            return old;
        }

        AppCatalogLog.AppRefused(logger, error.File, error.Line, error.Reason);
        return null;
    }

    private void WarnHidden(ImmutableDictionary<AppKey, AppDefinition> folder, ImmutableDictionary<AppKey, AppDefinition> api)
    {
        foreach (var key in api.Keys.Where(folder.ContainsKey))
        {
            AppCatalogLog.ApiAppHidden(logger, key.AppId, key.OrganizationId);
        }
    }

    private void Publish(CatalogSnapshot snapshot)
    {
        Volatile.Write(ref _snapshot, snapshot);
        Interlocked.Increment(ref _version);
    }
}
