using Microsoft.Extensions.Options;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Engine.Storage;
using Workflows.Engine.Storage.InMemory;
using Workflows.Engine.Tests.Definitions;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Apps;

public sealed class AppCatalogTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _temp = new();
    private readonly InMemoryStore _store = new();
    private readonly ListLogger<AppCatalog> _logger = new();
    private readonly List<AppCatalog> _catalogs = [];

    public void Dispose()
    {
        foreach (var catalog in _catalogs)
        {
            catalog.Dispose();
        }

        _temp.Dispose();
    }

    private static string Flow(string title) => $"name: {title}\nblocks:\n  - {{ id: a, type: test-echo }}\n";

    private static StoredApp Stored(string org, string id, string? flow = null) =>
        new(org, id, $"Name of {id}", "", "", new Dictionary<string, string> { ["main"] = flow ?? Flow("api") }, DateTimeOffset.UnixEpoch);

    private void WriteApp(string folder, string manifest, string flow)
    {
        _temp.Write($"{folder}/app.yaml", manifest);
        _temp.Write($"{folder}/main.flow", flow);
    }

    private async Task<AppCatalog> StartAsync(bool watch = false, string? appsDir = null)
    {
        var options = Options.Create(new AppCatalogOptions { AppsDir = appsDir ?? _temp.Path, Watch = watch });
        var catalog = new AppCatalog(TestRegistry.Create(), _store, options, _logger);
        _catalogs.Add(catalog);
        await catalog.InitializeAsync(CancellationToken.None);
        return catalog;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task InitializeAsync_AppsFolder_LoadsEveryApp()
    {
        WriteApp("blog", "name: Blog Writer\nslug: blog-writer\n", Flow("Write a post"));
        WriteApp("notes", "id: notes-app\n", Flow("Notes"));

        var catalog = await StartAsync();

        Assert.Equal(["blog", "notes-app"], catalog.ListApps("default").Select(a => a.Id));
        var blog = catalog.GetApp("default", "blog")!;
        Assert.Equal(("Blog Writer", "blog-writer", "folder"), (blog.Name, blog.Slug, blog.Source));
        Assert.Equal("Write a post", blog.Workflows["main"].Title);
    }

    [Fact]
    public async Task InitializeAsync_MissingFolder_NoApps()
    {
        var catalog = await StartAsync(watch: true, appsDir: Path.Combine(_temp.Path, "nope"));

        Assert.Empty(catalog.ListApps("default"));
        Assert.Empty(_logger.Errors);
    }

    [Fact]
    public async Task InitializeAsync_BrokenApp_SkippedAndLogged()
    {
        WriteApp("good", "", Flow("Good"));
        WriteApp("bad", "", "blocks:\n  - { id: a, type: nope }\n");

        var catalog = await StartAsync();

        Assert.Equal(["good"], catalog.ListApps("default").Select(a => a.Id));
        Assert.Null(catalog.GetApp("default", "bad"));
        Assert.Contains(_logger.Errors, m => m.Contains("bad/main.flow:2:", StringComparison.Ordinal)
                                             && m.Contains("unknown block type 'nope'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InitializeAsync_Organizations_AreIsolated()
    {
        WriteApp("a-blog", "id: blog\norg: acme\nname: Acme Blog\n", Flow("x"));
        WriteApp("b-blog", "id: blog\nname: Default Blog\n", Flow("x"));
        WriteApp("c-only", "org: acme\n", Flow("x"));

        var catalog = await StartAsync();

        Assert.Equal(["blog", "c-only"], catalog.ListApps("acme").Select(a => a.Id));
        Assert.Equal(["blog"], catalog.ListApps("default").Select(a => a.Id));
        Assert.Equal("Acme Blog", catalog.GetApp("acme", "blog")!.Name);
        Assert.Equal("Default Blog", catalog.GetApp("default", "blog")!.Name);
        Assert.Null(catalog.GetApp("default", "c-only"));
        Assert.Empty(catalog.ListApps("other"));
    }

    [Fact]
    public async Task InitializeAsync_DuplicateFolderIds_KeepsFirstAndLogs()
    {
        WriteApp("a", "id: same\nname: First\n", Flow("x"));
        WriteApp("b", "id: same\nname: Second\n", Flow("x"));

        var catalog = await StartAsync();

        Assert.Equal("First", catalog.GetApp("default", "same")!.Name);
        Assert.Contains(_logger.Errors, m => m.Contains("'same'", StringComparison.Ordinal) && m.Contains("'b'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InitializeAsync_StoredApps_Loaded()
    {
        await _store.PutAppAsync(Stored("acme", "stored"), CancellationToken.None);
        await _store.PutAppAsync(Stored("acme", "broken", "blocks: []"), CancellationToken.None);

        var catalog = await StartAsync();

        Assert.Equal(["stored"], catalog.ListApps("acme").Select(a => a.Id));
        Assert.Equal("api", catalog.GetApp("acme", "stored")!.Source);
        Assert.Contains(_logger.Errors, m => m.Contains("broken/main.flow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_FlowEdited_ReloadsNewVersion()
    {
        WriteApp("blog", "", Flow("Version 1"));
        var catalog = await StartAsync(watch: true);
        Assert.Equal("Version 1", catalog.GetApp("default", "blog")!.Workflows["main"].Title);

        _temp.Write("blog/main.flow", Flow("Version 2"));

        await WaitUntilAsync(() => catalog.GetApp("default", "blog")?.Workflows["main"].Title == "Version 2", "the new title");
    }

    [Fact]
    public async Task Watch_AppAddedAndRemoved_FollowsFolder()
    {
        WriteApp("blog", "", Flow("x"));
        var catalog = await StartAsync(watch: true);

        WriteApp("news", "", Flow("y"));
        await WaitUntilAsync(() => catalog.GetApp("default", "news") is not null, "the new app");

        Directory.Delete(Path.Combine(_temp.Path, "blog"), recursive: true);
        await WaitUntilAsync(() => catalog.GetApp("default", "blog") is null, "the app to go");
    }

    [Fact]
    public async Task Watch_BrokenEdit_KeepsPreviousVersion()
    {
        WriteApp("blog", "", Flow("Good"));
        WriteApp("marker", "", Flow("m1"));
        var catalog = await StartAsync(watch: true);

        _temp.Write("blog/main.flow", "blocks:\n  - { id: a, type: nope }\n");
        await WaitUntilAsync(() => _logger.Errors.Any(m => m.Contains("blog/main.flow:2:", StringComparison.Ordinal)), "the error to be logged");

        Assert.Equal("Good", catalog.GetApp("default", "blog")!.Workflows["main"].Title);

        // Later reloads still keep it.
        _temp.Write("marker/main.flow", Flow("m2"));
        await WaitUntilAsync(() => catalog.GetApp("default", "marker")?.Workflows["main"].Title == "m2", "the marker app");
        Assert.Equal("Good", catalog.GetApp("default", "blog")!.Workflows["main"].Title);
    }

    [Fact]
    public async Task Watch_Reload_KeepsApiApps()
    {
        WriteApp("blog", "", Flow("v1"));
        var catalog = await StartAsync(watch: true);
        await catalog.PutAppAsync(Stored("default", "api-app"), CancellationToken.None);

        _temp.Write("blog/main.flow", Flow("v2"));
        await WaitUntilAsync(() => catalog.GetApp("default", "blog")?.Workflows["main"].Title == "v2", "the reload");

        Assert.NotNull(catalog.GetApp("default", "api-app"));
    }

    [Fact]
    public async Task PutAppAsync_ValidApp_StoredAndPublished()
    {
        var catalog = await StartAsync();

        var app = await catalog.PutAppAsync(Stored("acme", "writer"), CancellationToken.None);

        Assert.Equal("api", app.Source);
        Assert.Same(app, catalog.GetApp("acme", "writer"));
        Assert.Null(catalog.GetApp("default", "writer"));
        Assert.NotNull(await _store.GetAppAsync("acme", "writer", CancellationToken.None));
    }

    [Fact]
    public async Task PutAppAsync_Replace_PublishesNewVersion()
    {
        var catalog = await StartAsync();
        await catalog.PutAppAsync(Stored("acme", "writer", Flow("one")), CancellationToken.None);

        await catalog.PutAppAsync(Stored("acme", "writer", Flow("two")), CancellationToken.None);

        Assert.Equal("two", catalog.GetApp("acme", "writer")!.Workflows["main"].Title);
        Assert.Single(catalog.ListApps("acme"));
    }

    [Fact]
    public async Task PutAppAsync_InvalidApp_ThrowsAndStoresNothing()
    {
        var catalog = await StartAsync();

        await Assert.ThrowsAsync<DefinitionException>(() => catalog.PutAppAsync(Stored("acme", "writer", "blocks: [{ id: a }]"), CancellationToken.None));

        Assert.Null(catalog.GetApp("acme", "writer"));
        Assert.Null(await _store.GetAppAsync("acme", "writer", CancellationToken.None));
    }

    [Fact]
    public async Task PutAppAsync_FolderAppId_ThrowsInvalidOperation()
    {
        WriteApp("blog", "", Flow("folder"));
        var catalog = await StartAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => catalog.PutAppAsync(Stored("default", "blog"), CancellationToken.None));

        Assert.Equal("app 'blog' comes from the apps folder and cannot be replaced through the API", e.Message);
        Assert.Equal("folder", catalog.GetApp("default", "blog")!.Source);
        Assert.Null(await _store.GetAppAsync("default", "blog", CancellationToken.None));

        // The same id in another organisation is a different app.
        await catalog.PutAppAsync(Stored("acme", "blog"), CancellationToken.None);
        Assert.Equal("api", catalog.GetApp("acme", "blog")!.Source);
    }

    [Fact]
    public async Task DeleteAppAsync_ApiApp_RemovedEverywhere()
    {
        var catalog = await StartAsync();
        await catalog.PutAppAsync(Stored("acme", "writer"), CancellationToken.None);

        Assert.False(await catalog.DeleteAppAsync("default", "writer", CancellationToken.None));
        Assert.True(await catalog.DeleteAppAsync("acme", "writer", CancellationToken.None));

        Assert.Null(catalog.GetApp("acme", "writer"));
        Assert.Null(await _store.GetAppAsync("acme", "writer", CancellationToken.None));
        Assert.False(await catalog.DeleteAppAsync("acme", "writer", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAppAsync_FolderApp_ReturnsFalseAndKeepsIt()
    {
        WriteApp("blog", "", Flow("folder"));
        var catalog = await StartAsync();

        Assert.False(await catalog.DeleteAppAsync("default", "blog", CancellationToken.None));

        Assert.NotNull(catalog.GetApp("default", "blog"));
    }
}
