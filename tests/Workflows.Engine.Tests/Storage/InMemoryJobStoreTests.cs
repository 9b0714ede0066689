using Workflows.Engine.Storage;
using Workflows.Engine.Storage.InMemory;
using Workflows.Storage.Testing;

namespace Workflows.Engine.Tests.Storage;

/// <summary>
/// The shared job store suite over a fresh in-memory store per test. The store lives as long as the process, so a
/// "reopen" is the same instance: the suite's survive-a-reopen tests check that nothing is lost between calls.
/// </summary>
public sealed class InMemoryJobStoreTests : JobStoreTests
{
    private readonly InMemoryStore _store = new();

    protected override async Task<IJobStore> CreateStoreAsync()
    {
        await _store.InitializeAsync(Ct);
        return _store;
    }

    protected override Task<IJobStore> ReopenStoreAsync() => Task.FromResult<IJobStore>(_store);
}
