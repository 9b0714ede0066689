using Workflows.Engine.Storage;
using Workflows.Engine.Storage.InMemory;
using Workflows.Storage.Testing;

namespace Workflows.Engine.Tests.Storage;

/// <summary>The shared app store suite over a fresh in-memory store per test; a "reopen" is the same instance.</summary>
public sealed class InMemoryAppStoreTests : AppStoreTests
{
    private readonly InMemoryStore _store = new();

    protected override Task<IAppStore> CreateStoreAsync() => Task.FromResult<IAppStore>(_store);

    protected override Task<IAppStore> ReopenStoreAsync() => Task.FromResult<IAppStore>(_store);
}
