using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

/// <summary>
/// The contract of <see cref="IJobStore"/>, run against every store: subclass it in the store's test project and
/// supply a fresh, initialized store per test class instance (xunit makes one instance per test).
/// </summary>
public abstract partial class JobStoreTests : IAsyncLifetime
{
    private IJobStore? _store;

    /// <summary>The store under test.</summary>
    protected IJobStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    /// <summary>A cancellation token for store calls.</summary>
    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, initialized store over an empty database that belongs to this test instance.</summary>
    protected abstract Task<IJobStore> CreateStoreAsync();

    /// <summary>A new, initialized store instance over the same database; the previous instance is already disposed.</summary>
    protected abstract Task<IJobStore> ReopenStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync() => await DisposeStoreAsync();

    /// <summary>Disposes the current store and opens the same database again.</summary>
    protected async Task ReopenAsync()
    {
        await DisposeStoreAsync();
        _store = await ReopenStoreAsync();
    }

    /// <summary>Stores a job with its job_queued event.</summary>
    protected async Task<JobRecord> CreateJobAsync(JobRecord job)
    {
        await Store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        return job;
    }

    private async Task DisposeStoreAsync()
    {
        var store = _store;
        _store = null;
        await Owned.DisposeAsync(store);
    }
}
