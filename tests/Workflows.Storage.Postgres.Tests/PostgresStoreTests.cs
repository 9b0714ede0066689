using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>What only the PostgreSQL store promises: migrations, group commit in submission order, disposal, registration.</summary>
public sealed class PostgresStoreTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DropAsync();

    [Fact]
    public async Task Initialize_FreshDatabase_RecordsEveryMigrationOnce()
    {
        await using (await _database.OpenAsync())
        {
            Assert.Equal(Enumerable.Range(1, Schema.CurrentVersion), await SchemaVersionsAsync());
        }
    }

    [Fact]
    public async Task Initialize_ThreeStoresAtOnceOnFreshDatabase_MigrateOnceAndAllWork()
    {
        var stores = Enumerable.Range(0, 3).Select(_ => _database.NewStore()).ToList();
        try
        {
            await Task.WhenAll(stores.Select(store => Task.Run(() => store.InitializeAsync(Ct))));

            Assert.Equal(Enumerable.Range(1, Schema.CurrentVersion), await SchemaVersionsAsync());
            var jobs = new List<JobRecord>();
            foreach (var store in stores)
            {
                var job = StoreTestData.Job();
                await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
                jobs.Add(job);
            }
            foreach (var store in stores)
            {
                Assert.All(jobs, job => Assert.NotNull(store.GetJobAsync(job.Id, Ct).GetAwaiter().GetResult()));
            }
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Initialize_TwiceAndOnExistingDatabase_KeepsData()
    {
        var job = StoreTestData.Job();
        await using (var store = await _database.OpenAsync())
        {
            await store.InitializeAsync(Ct);
            await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
            await store.InitializeAsync(Ct);
        }

        await using var reopened = await _database.OpenAsync();
        Assert.NotNull(await reopened.GetJobAsync(job.Id, Ct));
        Assert.Equal(Enumerable.Range(1, Schema.CurrentVersion), await SchemaVersionsAsync());
    }

    [Fact]
    public async Task Initialize_DatabaseFromNewerBuild_Refuses()
    {
        await (await _database.OpenAsync()).DisposeAsync();
        await ExecuteAsync($"INSERT INTO schema_version (version) VALUES ({Schema.CurrentVersion + 1})");

        await using var store = _database.NewStore();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(Ct));
    }

    [Fact]
    public async Task UseBeforeInitialize_ThrowsInvalidOperation()
    {
        await using var store = _database.NewStore();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetJobAsync(Guid.NewGuid(), Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.DeleteAppAsync("o", "a", Ct));
    }

    [Fact]
    public void Constructor_NoConnectionString_Refused()
    {
        Assert.Throws<ArgumentException>(() => new PostgresStore(new PostgresStoreOptions()));
        Assert.Throws<ArgumentException>(() => new PostgresStore(new PostgresStoreOptions { ConnectionString = " " }));
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

        var hold = HoldWriter(store);
        await hold.Entered.Task;
        var before = store.Writer.GroupsCommitted;
        var commits = jobs
            .Select((job, i) => store.CommitAsync(StoreTestData.LogCommit(job.Id, i == 7 ? 3 : 1), Ct))
            .ToList();
        var badPost = new JobPost("dup", null, "system", "x", StoreTestData.T0);
        var duplicatePost = store.CommitAsync(
            new JobCommit { JobId = jobs[8].Id, ExpectedSequence = 2, Posts = [badPost, badPost] }, Ct);
        var afterFailure = store.CommitAsync(StoreTestData.LogCommit(jobs[8].Id, 2), Ct);
        Assert.All(commits, commit => Assert.False(commit.IsCompleted));
        hold.Gate.SetResult();

        await Assert.ThrowsAsync<ConcurrencyException>(() => commits[7]);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => duplicatePost);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        await Task.WhenAll(commits.Where((_, i) => i != 7));
        await afterFailure;
        Assert.Equal(before + 2, store.Writer.GroupsCommitted); // the held item's group, then everything queued behind it
        Assert.Equal(1, (await store.GetJobAsync(jobs[7].Id, Ct))?.LastSequence);
        Assert.Equal(3, (await store.GetJobAsync(jobs[8].Id, Ct))?.LastSequence);
        Assert.Empty(await store.GetPostsAsync(jobs[8].Id, Ct));
    }

    [Fact]
    public async Task PipelinedCommitsOfOneJob_ApplyInSubmissionOrder()
    {
        await using var store = await _database.OpenAsync();
        var job = StoreTestData.Job();
        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        var other = StoreTestData.Job();
        await store.CreateJobAsync(other, [StoreTestData.QueuedEvent(other)], Ct);

        // As the runner does: each commit is queued at once, expecting the previous one's last event; another job's
        // commits interleave. Applied out of order, one would meet a sequence mismatch.
        var commits = new List<Task>();
        for (var i = 0; i < 300; i++)
        {
            commits.Add(store.CommitAsync(StoreTestData.LogCommit(job.Id, 1 + i * 2L, count: 2), Ct));
            commits.Add(store.CommitAsync(StoreTestData.LogCommit(other.Id, 1 + i), Ct));
        }
        await Task.WhenAll(commits);

        Assert.Equal(601, (await store.GetJobAsync(job.Id, Ct))?.LastSequence);
        Assert.Equal(Enumerable.Range(1, 601).Select(i => (long)i), (await store.GetEventsAsync(job.Id, 0, 1000, Ct)).Select(e => e.Sequence));
        Assert.Equal(301, (await store.GetJobAsync(other.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task Dispose_FinishesQueuedWritesThenRefusesNewOnes()
    {
        var job = StoreTestData.Job();
        var store = await _database.OpenAsync();
        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);

        var hold = HoldWriter(store);
        await hold.Entered.Task;
        var commit = store.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 5), Ct);
        var disposing = store.DisposeAsync().AsTask();
        hold.Gate.SetResult();
        await disposing;

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

        var hold = HoldWriter(store);
        await hold.Entered.Task;
        var commit = store.CommitAsync(StoreTestData.LogCommit(job.Id, 1), cancellation.Token);
        await cancellation.CancelAsync();
        hold.Gate.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit);
        Assert.Equal(1, (await store.GetJobAsync(job.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task ConnectionsKilledWhileIdle_WritesAndReadsRunAgainOnNewConnections()
    {
        await using var store = await _database.OpenAsync();
        var job = StoreTestData.Job();
        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        Assert.NotNull(await store.GetJobAsync(job.Id, Ct)); // leaves an idle pooled read connection

        // As after a database restart: every connection of the store is cut while the writer idles.
        await ExecuteAsync(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity " +
            "WHERE datname = current_database() AND pid <> pg_backend_pid()");

        Assert.NotNull(await store.GetJobAsync(job.Id, Ct));
        var commits = Enumerable.Range(0, 5).Select(i => store.CommitAsync(StoreTestData.LogCommit(job.Id, 1 + i), Ct)).ToList();
        await Task.WhenAll(commits);
        Assert.Equal(6, (await store.GetJobAsync(job.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task Times_OffsetsAndTicks_StoredAsUtcMilliseconds()
    {
        await using var store = await _database.OpenAsync();
        var created = new DateTimeOffset(2025, 3, 4, 7, 6, 7, 890, TimeSpan.FromHours(2)).AddTicks(4321);
        var job = StoreTestData.Job(createdAt: created) with { LeaseExpiresAt = created.AddMinutes(1) };

        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);

        var stored = await store.GetJobAsync(job.Id, Ct);
        var expected = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        Assert.Equal(expected, stored?.CreatedAt);
        Assert.Equal(TimeSpan.Zero, stored?.CreatedAt.Offset);
        Assert.Equal(expected.AddMinutes(1), stored?.LeaseExpiresAt);
        Assert.Equal(expected, (await store.GetEventsAsync(job.Id, 0, 10, Ct)).Single().Time);
    }

    [Fact]
    public async Task UsePostgresStorage_RegistersOneStoreAsBothInterfacesAndTheListener()
    {
        var services = new ServiceCollection().UsePostgresStorage(_database.ConnectionString);
        var provider = new SingletonProvider(services);

        var jobStore = provider.GetRequiredService<IJobStore>();
        var appStore = provider.GetRequiredService<IAppStore>();

        Assert.IsType<PostgresStore>(jobStore);
        Assert.Same(jobStore, appStore);
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(PostgresJobChangeListener));
        Assert.Equal(_database.ConnectionString, provider.GetRequiredService<PostgresStoreOptions>().ConnectionString);
        await jobStore.InitializeAsync(Ct);
        await appStore.PutAppAsync(StoreTestData.App(), Ct);
        Assert.Single(await appStore.ListAppsAsync(Ct));
        await ((PostgresStore)jobStore).DisposeAsync();
    }

    /// <summary>Blocks the writer inside a group of its own until the gate opens, so later writes queue up behind it.</summary>
    private static WriterHold HoldWriter(PostgresStore store)
    {
        var hold = new WriterHold();
        _ = store.Writer.EnqueueAsync(
            hold,
            static async (_, h) =>
            {
                h.Entered.TrySetResult();
                await h.Gate.Task;
                return true;
            },
            [],
            Ct);
        return hold;
    }

    private async Task<List<int>> SchemaVersionsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT version FROM schema_version ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }
        return versions;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class WriterHold
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
