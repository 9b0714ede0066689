using Workflows.Engine.Storage;
using Workflows.Engine.Storage.InMemory;
using Workflows.Storage.Testing;

namespace Workflows.Engine.Tests.Storage;

/// <summary>The shared secret store suite over a fresh in-memory store per test; "another node" is the same instance.</summary>
public sealed class InMemorySecretStoreTests : SecretStoreTests
{
    private readonly InMemoryStore _store = new();

    protected override Task<ISecretStore> CreateStoreAsync() => Task.FromResult<ISecretStore>(_store);

    protected override Task<ISecretStore> OpenAnotherAsync() => Task.FromResult<ISecretStore>(_store);
}
