using Workflows.Engine.Storage;
using Workflows.Security;

namespace Workflows.Storage.Testing;

/// <summary>
/// The contract of <see cref="ISecretStore"/>, and the signing key and webhook secrets kept in it, run against every
/// store through a subclass. "Another node" is a second store instance over the same database.
/// </summary>
public abstract class SecretStoreTests : IAsyncLifetime
{
    private readonly List<object> _opened = [];
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-secrets-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>The store under test.</summary>
    protected ISecretStore Store { get; private set; } = null!;

    /// <summary>A new, initialized store over an empty database that belongs to this test instance.</summary>
    protected abstract Task<ISecretStore> CreateStoreAsync();

    /// <summary>Another initialized store instance over the same database, as a second node opens it.</summary>
    protected abstract Task<ISecretStore> OpenAnotherAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => Store = await Track(CreateStoreAsync());

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened.Distinct())
        {
            await Owned.DisposeAsync(store);
        }

        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task GetSecret_Unknown_ReturnsNull() => Assert.Null(await Store.GetSecretAsync("nothing", Ct));

    [Fact]
    public async Task AddSecret_ThenGet_RoundTripsEveryField()
    {
        var secret = new StoredSecret("webhooks/acme", "whsec_one", "whsec_old", StoreTestData.T0.AddHours(24), StoreTestData.T0);

        var added = await Store.AddSecretAsync(secret, Ct);

        Assert.Equal(secret, added);
        Assert.Equal(secret, await (await Track(OpenAnotherAsync())).GetSecretAsync("webhooks/acme", Ct));
    }

    [Fact]
    public async Task AddSecret_WhenOneIsStored_KeepsAndReturnsTheFirst()
    {
        var first = await Store.AddSecretAsync(new StoredSecret("k", "first", null, null, StoreTestData.T0), Ct);

        var second = await (await Track(OpenAnotherAsync())).AddSecretAsync(new StoredSecret("k", "second", null, null, StoreTestData.T0.AddMinutes(1)), Ct);

        Assert.Equal("first", first.Value);
        Assert.Equal(first, second);
        Assert.Equal("first", (await Store.GetSecretAsync("k", Ct))!.Value);
    }

    [Fact]
    public async Task RotateSecret_Existing_KeepsTheOldValueAsPreviousUntilTheGivenTime()
    {
        await Store.AddSecretAsync(new StoredSecret("k", "one", null, null, StoreTestData.T0), Ct);

        var rotated = await Store.RotateSecretAsync("k", "two", StoreTestData.T0.AddHours(25), StoreTestData.T0.AddHours(1), Ct);

        Assert.Equal(new StoredSecret("k", "two", "one", StoreTestData.T0.AddHours(25), StoreTestData.T0.AddHours(1)), rotated);
        Assert.Equal(rotated, await Store.GetSecretAsync("k", Ct));
    }

    [Fact]
    public async Task RotateSecret_Missing_CreatesItWithoutPrevious()
    {
        var rotated = await Store.RotateSecretAsync("k", "two", StoreTestData.T0.AddHours(24), StoreTestData.T0, Ct);

        Assert.Equal(new StoredSecret("k", "two", null, null, StoreTestData.T0), rotated);
    }

    [Fact]
    public async Task SigningKey_TwoNodesStartingAtOnce_EndUpWithTheSameKey()
    {
        var other = await Track(OpenAnotherAsync());
        var starts = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => SigningKeys.LoadOrCreateAsync(i % 2 == 0 ? Store : other, null, null, TimeProvider.System, Ct)))
            .ToList();

        var keys = await Task.WhenAll(starts);

        Assert.All(keys, key => Assert.Equal(keys[0], key));
        Assert.True(keys[0].Length >= SigningKeys.MinimumLength);
        Assert.Equal(keys[0], await SigningKeys.LoadOrCreateAsync(Store, null, null, TimeProvider.System, Ct));
    }

    [Fact]
    public async Task SigningKey_KeyFileInTheDataDir_IsImportedOnceAndWinsOverANewKey()
    {
        var fileKey = SigningKeys.LoadOrCreate(_dataDir, null);

        var imported = await SigningKeys.LoadOrCreateAsync(Store, null, new DataDirSecretStore(_dataDir), TimeProvider.System, Ct);
        File.Delete(SigningKeys.KeyPath(_dataDir));
        var later = await SigningKeys.LoadOrCreateAsync(Store, null, new DataDirSecretStore(_dataDir), TimeProvider.System, Ct);

        Assert.Equal(fileKey, imported);
        Assert.Equal(fileKey, later);
    }

    [Fact]
    public async Task SigningKey_Configured_WinsOverTheStoredKey()
    {
        var stored = await SigningKeys.LoadOrCreateAsync(Store, null, null, TimeProvider.System, Ct);
        var configured = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        var key = await SigningKeys.LoadOrCreateAsync(Store, configured, null, TimeProvider.System, Ct);

        Assert.Equal(Convert.FromBase64String(configured), key);
        Assert.NotEqual(stored, key);
    }

    [Fact]
    public async Task WebhookSecrets_CreatedThroughOneNode_UsedByAnother_AndRotationSignsWithBoth()
    {
        var a = new WebhookSecrets(Store, TimeProvider.System);
        var b = new WebhookSecrets(await Track(OpenAnotherAsync()), TimeProvider.System);

        var created = await a.CurrentAsync("acme", Ct);
        Assert.Equal(created, await b.CurrentAsync("acme", Ct));
        Assert.NotEqual(created, await b.CurrentAsync("other", Ct));

        var rotated = await b.RotateAsync("acme", TimeSpan.FromHours(1), Ct);
        var keys = await a.SigningKeysAsync("acme", Ct);

        Assert.Equal(rotated, await a.CurrentAsync("acme", Ct));
        Assert.Equal([WebhookSecrets.Decode(rotated), WebhookSecrets.Decode(created)], keys);
    }

    [Fact]
    public async Task WebhookSecrets_SecretFileInTheDataDir_IsImported()
    {
        var old = await new WebhookSecrets(_dataDir, TimeProvider.System).CurrentAsync("acme", Ct);

        var secrets = new WebhookSecrets(Store, TimeProvider.System, new DataDirSecretStore(_dataDir));

        Assert.Equal(old, await secrets.CurrentAsync("acme", Ct));
    }

    private async Task<ISecretStore> Track(Task<ISecretStore> opening)
    {
        var store = await opening;
        _opened.Add(store);
        return store;
    }
}
