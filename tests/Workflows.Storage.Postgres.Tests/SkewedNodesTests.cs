using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Engine;
using Workflows.Engine.Apps;
using Workflows.Engine.Blocks;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>
/// Two engine nodes over one database whose clocks (their <see cref="TimeProvider"/>) are an hour apart: leases run on
/// the database's clock, so the node whose clock runs ahead never takes over the job the other one is running.
/// </summary>
public sealed class SkewedNodesTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DropAsync();

    [Fact]
    public async Task NodeWithItsClockAnHourAhead_DoesNotTakeOverTheLiveJobOfANodeAnHourBehind()
    {
        await using var behind = await Node.StartAsync(_database.ConnectionString, "node-behind", TimeSpan.FromHours(-1));
        await using var ahead = await Node.StartAsync(_database.ConnectionString, "node-ahead", TimeSpan.FromHours(1));
        await behind.Services.GetRequiredService<IAppCatalog>().PutAppAsync(
            new StoredApp("org-a", "held", "Held", "held", "", new Dictionary<string, string>
            {
                ["main"] = "name: Held\nblocks:\n  - { id: hold, type: test-hold }\n",
            }, DateTimeOffset.UtcNow), Ct);

        var job = await behind.Jobs.StartAsync(new StartJobRequest { OrganizationId = "org-a", AppId = "held" }, Ct);
        await behind.Hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The lease is 30 s of the database's time, though the node that took it thinks it is an hour earlier.
        var leased = (await ahead.Store.GetJobAsync(job.Id, Ct))!;
        Assert.Equal("node-behind", leased.LeaseOwner);
        Assert.InRange(leased.LeaseExpiresAt!.Value, DateTimeOffset.UtcNow.AddSeconds(20), DateTimeOffset.UtcNow.AddSeconds(40));

        // Heartbeats on both nodes, in turns: renewals keep the job where it is, and the node ahead claims nothing.
        for (var beat = 0; beat < 3; beat++)
        {
            Assert.Equal(0, await ahead.LeaseKeeper.BeatAsync(Ct));
            Assert.Equal(0, await behind.LeaseKeeper.BeatAsync(Ct));
            Assert.True(behind.Runner.IsRunningHere(job.Id));
            Assert.False(ahead.Runner.IsRunningHere(job.Id));
        }

        Assert.Equal("node-behind", (await ahead.Store.GetJobAsync(job.Id, Ct))!.LeaseOwner);
        behind.Hold.Release.TrySetResult();
        var finished = await behind.Runner.GetCompletion(job.Id)!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(JobState.Succeeded, finished.State);
    }

    /// <summary>One engine node: the runtime as the host wires it, on a clock <c>skew</c> away from the real one.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private Node(ServiceProvider services, Hold hold)
        {
            Services = services;
            Hold = hold;
        }

        public ServiceProvider Services { get; }

        public Hold Hold { get; }

        public IJobStore Store => Services.GetRequiredService<IJobStore>();

        public JobService Jobs => Services.GetRequiredService<JobService>();

        public JobRunner Runner => Services.GetRequiredService<JobRunner>();

        public JobLeaseKeeper LeaseKeeper => Services.GetRequiredService<JobLeaseKeeper>();

        public static async Task<Node> StartAsync(string connectionString, string id, TimeSpan skew)
        {
            var hold = new Hold();
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(new SkewedTime(skew));
            services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
            services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
            services.AddSingleton(hold);
            services.AddSingleton<ICallbackPayloadFactory, NoPayloads>();
            services.Configure<NodeOptions>(options => options.Id = id);
            services.Configure<AppCatalogOptions>(options => options.Watch = false);
            services.AddBlock<HoldBlock>();
            services.UsePostgresStorage(connectionString);
            services.AddWorkflowEngine();
            var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IJobStore>().InitializeAsync(Ct);
            return new Node(provider, hold);
        }

        public async ValueTask DisposeAsync()
        {
            Hold.Release.TrySetResult();
            await Services.DisposeAsync();
        }
    }

    private sealed class SkewedTime(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + skew;
    }

    private sealed class Hold
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [Block("test-hold")]
    private sealed class HoldBlock(Hold hold) : IBlock
    {
        public void Validate(BlockValidationContext context)
        {
        }

        public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
        {
            hold.Entered.TrySetResult();
            await hold.Release.Task.WaitAsync(cancellationToken);
            return new BlockResult(context.Definition.Id);
        }
    }

    private sealed class NoPayloads : ICallbackPayloadFactory
    {
        public string Create(JobRecord job, IReadOnlyList<JobPost> posts, string billingCost) => "{}";
    }
}
