using Microsoft.Extensions.Options;
using Workflows.Blocks.Files;
using Workflows.Engine.Files;
using Workflows.Engine.Storage.InMemory;
using Workflows.Storage.Testing;

namespace Workflows.Engine.Tests.Storage;

/// <summary>The shared file store suite: the database file store over a fresh in-memory store per test.</summary>
public sealed class InMemoryFileStoreTests : FileStoreTests
{
    private readonly InMemoryStore _store = new();

    protected override Task<IFileStore> CreateStoreAsync() => Task.FromResult<IFileStore>(Open());

    protected override Task<IFileStore> OpenAnotherAsync() => Task.FromResult<IFileStore>(Open());

    private DatabaseFileStore Open() => new DatabaseFileStore(_store, Options.Create(new FileStoreOptions { MaxFileBytes = MaxBytes }), Time);
}

/// <summary>The shared file store suite: the disk file store in a temp folder per test.</summary>
public sealed class DiskFileStoreTests : FileStoreTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wf-files-" + Guid.NewGuid().ToString("N"));

    protected override Task<IFileStore> CreateStoreAsync() => Task.FromResult<IFileStore>(Open());

    protected override Task<IFileStore> OpenAnotherAsync() => Task.FromResult<IFileStore>(Open());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private DiskFileStore Open() =>
        new DiskFileStore(Options.Create(new FileStoreOptions { MaxFileBytes = MaxBytes, RootPath = _root }), Time);
}
