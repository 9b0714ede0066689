using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>What only the SQLite store promises: file settings, migrations, group commit, disposal.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Delete();

    [Fact]
    public async Task Initialize_MissingDirectory_CreatesFileInWalModeWithSchemaVersion()
    {
        await using (await _database.OpenAsync())
        {
            Assert.True(File.Exists(_database.FilePath));
            Assert.Equal("wal", Pragma("journal_mode"));
            Assert.Equal((long)Schema.CurrentVersion, Pragma("user_version"));
        }
    }

    [Fact]
    public async Task Initialize_TwiceAndOnExistingFile_KeepsData()
    {
        Guid id;
        await using (var store = await _database.OpenAsync())
        {
            await store.InitializeAsync(Ct);
            var job = StoreTestData.Job();
            id = job.Id;
            await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
            await store.InitializeAsync(Ct);
        }

        await using (var reopened = await _database.OpenAsync())
        {
            await reopened.InitializeAsync(Ct);
            Assert.NotNull(await reopened.GetJobAsync(id, Ct));
            Assert.Equal((long)Schema.CurrentVersion, Pragma("user_version"));
        }
    }

    [Fact]
    public async Task Initialize_Version15WithAnEventPerRow_KeepsThemReadableBesideCommitRows()
    {
        // Version 15 kept one event per WITHOUT ROWID row; 16 rebuilds the table, where a row may hold a commit's events.
        var job = StoreTestData.Job();
        Directory.CreateDirectory(Path.GetDirectoryName(_database.FilePath)!);
        foreach (var step in Schema.Steps.Take(15))
        {
            Execute(step);
        }
        Execute("PRAGMA user_version = 15");
        Execute(
            "INSERT INTO jobs (id, org, app_id, workflow, workflow_title, state, variables, created_at, last_sequence, created_by, dialect) " +
            $"VALUES ('{job.Id}', '{job.OrganizationId}', 'app', 'main', 'Main', 2, '{{}}', 1, 2, 'test', 'native')");
        Execute(
            "INSERT INTO job_events (job_id, seq, type, time, text, output) VALUES " +
            $"('{job.Id}', 1, 'job_queued', 1000, NULL, NULL), ('{job.Id}', 2, 'log', 2000, 'old ✓', '{{\"n\":1}}')");

        await using var store = await _database.OpenAsync();
        await store.CommitAsync(StoreTestData.LogCommit(job.Id, 2, count: 3), Ct);

        var events = await store.GetEventsAsync(job.Id, 0, 100, Ct);
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Sequence));
        Assert.Equal("old ✓", events[1].Text);
        Assert.Equal(1, events[1].Output?["n"]?.GetValue<int>());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2000), events[1].Time);
        Assert.Equal(["line 3", "line 4", "line 5"], events.Skip(2).Select(e => e.Text));
        Assert.Equal([2L, 3], (await store.GetEventsAsync(job.Id, 1, 2, Ct)).Select(e => e.Sequence));
        Assert.Equal((long)Schema.CurrentVersion, Pragma("user_version"));
    }

    [Fact]
    public async Task Initialize_DatabaseFromNewerBuild_Refuses()
    {
        await (await _database.OpenAsync()).DisposeAsync();
        Execute($"PRAGMA user_version = {Schema.CurrentVersion + 1}");

        var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = _database.FilePath });
        await using (store)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(Ct));
        }
    }

    [Fact]
    public async Task UseBeforeInitialize_ThrowsInvalidOperation()
    {
        await using var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = _database.FilePath });

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetJobAsync(Guid.NewGuid(), Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.DeleteAppAsync("o", "a", Ct));
    }

    [Fact]
    public void Constructor_InMemoryPath_Refused()
    {
        Assert.Throws<ArgumentException>(() => new SqliteStore(new SqliteStoreOptions { DatabasePath = ":memory:" }));
        Assert.Throws<ArgumentException>(() => new SqliteStore(new SqliteStoreOptions()));
    }

    [Fact]
    public async Task QueuedWrites_ShareOneTransaction_AndAFailingItemFailsAlone()
    {
        await using var store = await _database.OpenAsync();
        var jobs = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var job = StoreTestData.Job();
            await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
            return job;
        }));

        using var hold = await HoldWriterAsync(store);
        var before = store.Writer.BatchesCommitted;
        var commits = jobs
            .Select((job, i) => store.CommitAsync(StoreTestData.LogCommit(job.Id, i == 7 ? 3 : 1), Ct))
            .ToList();
        var badPost = new JobPost("dup", null, "system", "x", StoreTestData.T0);
        var duplicatePost = store.CommitAsync(
            new JobCommit { JobId = jobs[8].Id, ExpectedSequence = 2, Posts = [badPost, badPost] }, Ct);
        Assert.All(commits, commit => Assert.False(commit.IsCompleted));
        hold.Release();

        await Assert.ThrowsAsync<ConcurrencyException>(() => commits[7]);
        await Assert.ThrowsAsync<SqliteException>(() => duplicatePost);
        await Task.WhenAll(commits.Where((_, i) => i != 7));
        Assert.Equal(before + 2, store.Writer.BatchesCommitted); // the held item's batch, then everything queued behind it
        Assert.Equal(1, (await store.GetJobAsync(jobs[7].Id, Ct))?.LastSequence);
        Assert.Equal(2, (await store.GetJobAsync(jobs[8].Id, Ct))?.LastSequence);
        Assert.Empty(await store.GetPostsAsync(jobs[8].Id, Ct));
    }

    [Fact]
    public async Task Dispose_FinishesQueuedWritesThenRefusesNewOnes()
    {
        var job = StoreTestData.Job();
        var store = await _database.OpenAsync();
        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);

        Task commit;
        using (var hold = await HoldWriterAsync(store))
        {
            commit = store.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 5), Ct);
            var disposing = store.DisposeAsync().AsTask();
            hold.Release();
            await disposing;
        }

        await commit;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync(StoreTestData.LogCommit(job.Id, 6), Ct));
        await using var reopened = await _database.OpenAsync();
        Assert.Equal(6, (await reopened.GetJobAsync(job.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task Write_CanceledBeforeTheWriterReachedIt_IsNotApplied()
    {
        await using var store = await _database.OpenAsync();
        var job = StoreTestData.Job();
        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        using var cancellation = new CancellationTokenSource();

        using var hold = await HoldWriterAsync(store);
        var commit = store.CommitAsync(StoreTestData.LogCommit(job.Id, 1), cancellation.Token);
        await cancellation.CancelAsync();
        hold.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit);
        Assert.Equal(1, (await store.GetJobAsync(job.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task UseSqliteStorage_RegistersOneStoreAsBothInterfaces()
    {
        var services = new ServiceCollection().UseSqliteStorage(_database.FilePath);
        var provider = new SingletonProvider(services);

        var jobStore = provider.GetRequiredService<IJobStore>();
        var appStore = provider.GetRequiredService<IAppStore>();

        Assert.IsType<SqliteStore>(jobStore);
        Assert.Same(jobStore, appStore);
        await jobStore.InitializeAsync(Ct);
        await appStore.PutAppAsync(StoreTestData.App(), Ct);
        Assert.Single(await appStore.ListAppsAsync(Ct));
        await ((SqliteStore)jobStore).DisposeAsync();
    }

    /// <summary>Blocks the writer inside a batch of its own until released, so later writes queue up behind it.</summary>
    private static async Task<WriterHold> HoldWriterAsync(SqliteStore store)
    {
        var hold = new WriterHold();
        _ = store.Writer.EnqueueAsync(hold, static (_, h) => { h.Entered.TrySetResult(); h.Gate.Wait(); return true; }, Ct);
        await hold.Entered.Task;
        return hold;
    }

    private object? Pragma(string name)
    {
        using var connection = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class WriterHold : IDisposable
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Gate { get; } = new();

        public void Release() => Gate.Set();

        public void Dispose()
        {
            Gate.Set();
            Gate.Dispose();
        }
    }

    /// <summary>Just enough of a container to resolve the registrations: singletons built once from their factories.</summary>
    private sealed class SingletonProvider(IServiceCollection services) : IServiceProvider
    {
        private readonly Dictionary<Type, object?> _built = [];

        public object? GetService(Type serviceType)
        {
            if (_built.TryGetValue(serviceType, out var existing))
            {
                return existing;
            }
            var descriptor = services.LastOrDefault(d => d.ServiceType == serviceType);
            var service = descriptor?.ImplementationFactory?.Invoke(this) ?? descriptor?.ImplementationInstance;
            _built[serviceType] = service;
            return service;
        }
    }
}
