using System.Collections.Concurrent;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Apps;

/// <summary>An <see cref="IAppStore"/> in a dictionary, for catalog tests.</summary>
public sealed class InMemoryAppStore : IAppStore
{
    private readonly ConcurrentDictionary<(string, string), StoredApp> _apps = new();

    public Task PutAppAsync(StoredApp app, CancellationToken cancellationToken)
    {
        _apps[(app.OrganizationId, app.Id)] = app;
        return Task.CompletedTask;
    }

    public Task<StoredApp?> GetAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        Task.FromResult(_apps.GetValueOrDefault((organizationId, appId)));

    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredApp>>([.. _apps.Values]);

    public Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        Task.FromResult(_apps.TryRemove((organizationId, appId), out _));
}
