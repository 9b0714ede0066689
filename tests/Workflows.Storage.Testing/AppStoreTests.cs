using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

/// <summary>The contract of <see cref="IAppStore"/>, run against every store through a subclass.</summary>
public abstract class AppStoreTests : IAsyncLifetime
{
    private IAppStore? _store;

    /// <summary>The store under test.</summary>
    protected IAppStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, initialized store over an empty database that belongs to this test instance.</summary>
    protected abstract Task<IAppStore> CreateStoreAsync();

    /// <summary>A new, initialized store instance over the same database; the previous instance is already disposed.</summary>
    protected abstract Task<IAppStore> ReopenStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync() => await DisposeStoreAsync();

    [Fact]
    public async Task PutApp_ThenGet_RoundTripsEveryField()
    {
        var app = StoreTestData.App();

        await Store.PutAppAsync(app, Ct);

        AssertAppEqual(app, await Store.GetAppAsync(app.OrganizationId, app.Id, Ct));
    }

    [Fact]
    public async Task PutApp_Existing_Replaces()
    {
        await Store.PutAppAsync(StoreTestData.App(), Ct);
        var replacement = StoreTestData.App(name: "Renamed") with
        {
            Workflows = new Dictionary<string, string> { ["only"] = "name: Only\n" },
            UpdatedAt = StoreTestData.T0.AddHours(1),
        };

        await Store.PutAppAsync(replacement, Ct);

        AssertAppEqual(replacement, await Store.GetAppAsync("org-a", "app-1", Ct));
        Assert.Single(await Store.ListAppsAsync(Ct));
    }

    [Fact]
    public async Task GetApp_OtherOrganizationOrUnknown_ReturnsNull()
    {
        await Store.PutAppAsync(StoreTestData.App("org-a"), Ct);

        Assert.Null(await Store.GetAppAsync("org-b", "app-1", Ct));
        Assert.Null(await Store.GetAppAsync("org-a", "missing", Ct));
    }

    [Fact]
    public async Task ListApps_AllOrganizations()
    {
        await Store.PutAppAsync(StoreTestData.App("org-b", "x"), Ct);
        await Store.PutAppAsync(StoreTestData.App("org-a", "x"), Ct);
        await Store.PutAppAsync(StoreTestData.App("org-a", "y"), Ct);

        var apps = await Store.ListAppsAsync(Ct);

        Assert.Equal(
            ["org-a/x", "org-a/y", "org-b/x"],
            apps.Select(app => $"{app.OrganizationId}/{app.Id}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeleteApp_ScopedToOrganization_TrueOnlyWhenThere()
    {
        await Store.PutAppAsync(StoreTestData.App("org-a"), Ct);
        await Store.PutAppAsync(StoreTestData.App("org-b"), Ct);

        Assert.False(await Store.DeleteAppAsync("org-c", "app-1", Ct));
        Assert.True(await Store.DeleteAppAsync("org-a", "app-1", Ct));
        Assert.False(await Store.DeleteAppAsync("org-a", "app-1", Ct));

        Assert.Null(await Store.GetAppAsync("org-a", "app-1", Ct));
        Assert.NotNull(await Store.GetAppAsync("org-b", "app-1", Ct));
    }

    [Fact]
    public async Task Reopen_AppsSurvive()
    {
        var app = StoreTestData.App();
        await Store.PutAppAsync(app, Ct);

        await DisposeStoreAsync();
        _store = await ReopenStoreAsync();

        AssertAppEqual(app, await Store.GetAppAsync(app.OrganizationId, app.Id, Ct));
    }

    [Fact]
    public async Task SaveDefinition_ThenGet_RoundTripsTheSourceAndSurvivesReopen()
    {
        const string source = "name: Ünïcode ✓\nblocks:\n  - { id: a, type: template, text: \"x\" }\n";

        await Store.SaveDefinitionAsync("hash-1", source, StoreTestData.T0, Ct);
        await DisposeStoreAsync();
        _store = await ReopenStoreAsync();

        Assert.Equal(source, await Store.GetDefinitionAsync("hash-1", Ct));
        Assert.Null(await Store.GetDefinitionAsync("hash-2", Ct));
    }

    [Fact]
    public async Task SaveDefinition_SameHashAgain_KeepsTheFirstAndDoesNotThrow()
    {
        await Store.SaveDefinitionAsync("hash-1", "first", StoreTestData.T0, Ct);

        await Store.SaveDefinitionAsync("hash-1", "first", StoreTestData.T0.AddHours(1), Ct);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.SaveDefinitionAsync("hash-2", "second", StoreTestData.T0, Ct)));

        Assert.Equal("first", await Store.GetDefinitionAsync("hash-1", Ct));
        Assert.Equal("second", await Store.GetDefinitionAsync("hash-2", Ct));
    }

    private static void AssertAppEqual(StoredApp expected, StoredApp? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Workflows.OrderBy(w => w.Key, StringComparer.Ordinal), actual.Workflows.OrderBy(w => w.Key, StringComparer.Ordinal));
        Assert.Equal(expected with { Workflows = actual.Workflows }, actual);
    }

    private async Task DisposeStoreAsync()
    {
        var store = _store;
        _store = null;
        await Owned.DisposeAsync(store);
    }
}
