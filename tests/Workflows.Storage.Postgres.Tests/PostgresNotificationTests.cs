using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Workflows.Engine;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>
/// The cross-node wake-ups: every job write NOTIFYs in its transaction, and the change feed behind
/// <see cref="PostgresJobChangeListener"/> LISTENs, reports each change, resyncs, and reconnects when its connection dies.
/// </summary>
public sealed class PostgresNotificationTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private PostgresDatabase _database = null!;
    private PostgresStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _store = await _database.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _database.DropAsync();
    }

    [Fact]
    public async Task CreateAndCommit_NotifyJobIdAndLastSequence_OnlyWhenCommitted()
    {
        await using var listener = await RawListenerAsync();
        var job = StoreTestData.Job();

        await _store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        Assert.Equal($"{job.Id:N}:1", await listener.NextAsync());

        await _store.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 3), Ct);
        Assert.Equal($"{job.Id:N}:4", await listener.NextAsync());

        // Refused writes notify nobody: the next notification is the commit after them.
        await Assert.ThrowsAsync<ConcurrencyException>(() => _store.CommitAsync(StoreTestData.LogCommit(job.Id, 1), Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct));
        await _store.CommitAsync(new JobCommit { JobId = job.Id, ExpectedSequence = 4, State = JobState.Running }, Ct);
        Assert.Equal($"{job.Id:N}:4", await listener.NextAsync());
    }

    [Fact]
    public async Task RequestCancel_NotifiesAWakeUp_ThatTheFeedReportsApart()
    {
        await using var listener = await RawListenerAsync();
        await using var feed = FeedRecorder.Start(_database.ConnectionString, TimeSpan.FromMinutes(5));
        await feed.Resyncs.Reader.ReadAsync(Timeout()); // listening
        var job = StoreTestData.Job();
        await _store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        Assert.Equal($"{job.Id:N}:1", await listener.NextAsync());

        await _store.RequestCancelAsync(job.Id, "stop", Ct);

        Assert.Equal($"{job.Id:N}:0:wake", await listener.NextAsync());
        Assert.Equal((job.Id, 1L), await feed.Committed.Reader.ReadAsync(Timeout()));
        Assert.Equal((job.Id, 0L), await feed.Wakes.Reader.ReadAsync(Timeout()));
        Assert.False(feed.Committed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Listener_CommitOnAnotherNode_WakesWatcherHere()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton<ICallbackPayloadFactory, NoCallbacks>()
            .AddWorkflowEngine()
            .UsePostgresStorage(options =>
            {
                options.ConnectionString = _database.ConnectionString;
                options.ResyncInterval = TimeSpan.FromMinutes(1);
            });
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IJobStore>().InitializeAsync(Ct);
        var listener = provider.GetServices<IHostedService>().OfType<PostgresJobChangeListener>().Single();
        var job = StoreTestData.Job();
        await _store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        using var watcher = provider.GetRequiredService<JobEventHub>().Subscribe(job.Id);

        await listener.StartAsync(Ct);
        try
        {
            // Connected: the first resync reads the watched jobs' last sequences and wakes the watchers told less (this
            // one was told nothing yet) with the stored one.
            Assert.Equal(1L, (await watcher.Reader.ReadAsync(Timeout())).Sequence);

            await _store.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 2), Ct);

            var wake = await watcher.Reader.ReadAsync(Timeout());
            Assert.Equal((job.Id, 3L), (wake.JobId, wake.Sequence));
        }
        finally
        {
            await listener.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task Feed_CommitThroughAnotherStore_ReportsJobAndSequence()
    {
        await using var changes = FeedRecorder.Start(_database.ConnectionString, TimeSpan.FromMinutes(1));
        await changes.Resyncs.Reader.ReadAsync(Timeout()); // connected and listening

        await using var otherNode = await _database.OpenAsync();
        var job = StoreTestData.Job();
        await otherNode.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        await otherNode.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 2), Ct);

        Assert.Equal((job.Id, 1L), await changes.Committed.Reader.ReadAsync(Timeout()));
        Assert.Equal((job.Id, 3L), await changes.Committed.Reader.ReadAsync(Timeout()));
        await changes.StopAsync();
    }

    [Fact]
    public async Task Feed_ForeignPayload_IgnoredAndFeedGoesOn()
    {
        await using var changes = FeedRecorder.Start(_database.ConnectionString, TimeSpan.FromMinutes(1));
        await changes.Resyncs.Reader.ReadAsync(Timeout());

        await NotifyAsync("not a job change");
        await NotifyAsync("0123:5");
        var id = Guid.NewGuid();
        await NotifyAsync($"{id:N}:7");

        Assert.Equal((id, 7L), await changes.Committed.Reader.ReadAsync(Timeout()));
        await changes.StopAsync();
    }

    [Fact]
    public async Task Feed_ConnectionKilled_ReconnectsResyncsAndGoesOn()
    {
        await using var changes = FeedRecorder.Start(_database.ConnectionString, TimeSpan.FromMinutes(1));
        await changes.Resyncs.Reader.ReadAsync(Timeout());

        await ExecuteAsync(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " +
            "WHERE datname = current_database() AND query = 'LISTEN " + JobNotifications.Channel + "' AND pid <> pg_backend_pid()");

        await changes.Resyncs.Reader.ReadAsync(Timeout()); // reconnected: whatever was missed meanwhile is re-read
        var job = StoreTestData.Job();
        await _store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        Assert.Equal((job.Id, 1L), await changes.Committed.Reader.ReadAsync(Timeout()));
        await changes.StopAsync();
    }

    [Fact]
    public async Task Feed_ResyncsEveryInterval()
    {
        await using var changes = FeedRecorder.Start(_database.ConnectionString, TimeSpan.FromMilliseconds(100));

        for (var i = 0; i < 4; i++)
        {
            await changes.Resyncs.Reader.ReadAsync(Timeout());
        }
        await changes.StopAsync();
    }

    [Fact]
    public async Task Feed_ServerUnreachable_KeepsRetryingUntilStopped()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = 1, Timeout = 1 }.ConnectionString;
        await using var changes = FeedRecorder.Start(unreachable, TimeSpan.FromSeconds(1));

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(changes.Running.IsCompleted);
        await changes.StopAsync(); // returns when stopped, never throws

        Assert.False(changes.Resyncs.Reader.TryRead(out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":1")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e:")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e:-1")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e:1")]
    public void Notification_Malformed_NotParsed(string payload)
    {
        Assert.False(JobNotifications.TryParse(payload, out _, out _));
    }

    [Fact]
    public void Notification_FormatThenParse_RoundTrips()
    {
        var id = Guid.NewGuid();

        Assert.True(JobNotifications.TryParse(JobNotifications.Format(id, long.MaxValue), out var parsed, out var sequence, out var wake));
        Assert.Equal((id, long.MaxValue, false), (parsed, sequence, wake));
        Assert.True(JobNotifications.TryParse(JobNotifications.FormatWake(id, 7), out parsed, out sequence, out wake));
        Assert.Equal((id, 7L, true), (parsed, sequence, wake));
        Assert.False(JobNotifications.TryParse($"{id:N}:wake", out _, out _, out _));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(Deadline).Token;

    private async Task NotifyAsync(string payload)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", JobNotifications.Channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<RawListener> RawListenerAsync()
    {
        var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        var listener = new RawListener(connection);
        await using var listen = new NpgsqlCommand("LISTEN " + JobNotifications.Channel, connection);
        await listen.ExecuteNonQueryAsync();
        return listener;
    }

    private sealed class NoCallbacks : ICallbackPayloadFactory
    {
        public string Create(JobRecord job, IReadOnlyList<JobPost> posts, string billingCost) => "{}";
    }

    /// <summary>A plain LISTEN connection, to see exactly what the store sends.</summary>
    private sealed class RawListener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly Queue<string> _received = new();

        public RawListener(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, e) => _received.Enqueue(e.Payload);
        }

        public async Task<string> NextAsync()
        {
            using var deadline = new CancellationTokenSource(Deadline);
            while (_received.Count == 0)
            {
                await _connection.WaitAsync(deadline.Token);
            }
            return _received.Dequeue();
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    /// <summary>Runs a change feed and records what it reports; disposing it stops the feed.</summary>
    private sealed class FeedRecorder : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        private FeedRecorder(string connectionString, TimeSpan resyncInterval)
        {
            var options = new PostgresStoreOptions { ConnectionString = connectionString, ResyncInterval = resyncInterval };
            var feed = new JobChangeFeed(
                options,
                (jobId, lastSequence) => Committed.Writer.TryWrite((jobId, lastSequence)),
                () => Resyncs.Writer.TryWrite(true),
                NullLogger.Instance,
                (jobId, lastSequence) => Wakes.Writer.TryWrite((jobId, lastSequence)));
            Running = Task.Run(() => feed.RunAsync(_stop.Token), CancellationToken.None);
        }

        public Channel<(Guid JobId, long LastSequence)> Committed { get; } = Channel.CreateUnbounded<(Guid, long)>();

        public Channel<(Guid JobId, long LastSequence)> Wakes { get; } = Channel.CreateUnbounded<(Guid, long)>();

        public Channel<bool> Resyncs { get; } = Channel.CreateUnbounded<bool>();

        public Task Running { get; }

        public static FeedRecorder Start(string connectionString, TimeSpan resyncInterval) => new(connectionString, resyncInterval);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Running;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }
    }
}
