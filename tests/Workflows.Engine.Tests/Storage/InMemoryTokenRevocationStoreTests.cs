using Workflows.Engine.Storage;
using Workflows.Engine.Storage.InMemory;
using Workflows.Storage.Testing;

namespace Workflows.Engine.Tests.Storage;

/// <summary>The shared token revocation store suite over a fresh in-memory store per test.</summary>
public sealed class InMemoryTokenRevocationStoreTests : TokenRevocationStoreTests
{
    protected override Task<ITokenRevocationStore> CreateStoreAsync() => Task.FromResult<ITokenRevocationStore>(new InMemoryStore());
}
