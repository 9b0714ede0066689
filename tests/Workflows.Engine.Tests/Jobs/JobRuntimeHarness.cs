using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Workflows.Blocks;
using Workflows.Engine.Apps;
using Workflows.Engine.Blocks;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Engine.Storage.InMemory;
using Workflows.Engine.Tests.Execution;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>
/// The job runtime as the host wires it (engine DI, in-memory store) on a <see cref="FakeTimeProvider"/>, so timeouts,
/// delays and leases run out when a test moves the clock, never by waiting. Blocks: test-echo, test-fail, test-output,
/// exec-gate (<see cref="Gates"/>) and the real delay block.
/// </summary>
public sealed class JobRuntimeHarness : IAsyncDisposable
{
    public const string Org = "org-a";
    public const string NodeId = "node-a";

    /// <summary>Longest a test waits for something the runtime does on its own threads.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider _provider;

    /// <param name="configureJobs">Job settings.</param>
    /// <param name="wrapStore">Puts a decorator (a fault injector) between the runtime and the in-memory job store.</param>
    public JobRuntimeHarness(Action<JobOptions>? configureJobs = null, Func<IJobStore, IJobStore>? wrapStore = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(Gates);
        services.AddSingleton<ICallbackPayloadFactory, StateCallbackPayloads>();
        services.Configure<NodeOptions>(options => options.Id = NodeId);
        services.Configure<JobOptions>(options => configureJobs?.Invoke(options));
        services.Configure<AppCatalogOptions>(options => options.Watch = false);
        services.AddBlock<EchoBlock>().AddBlock<FailBlock>().AddBlock<StandInOutputBlock>().AddBlock<GateBlock>().AddBlock<DelayBlock>().AddBlock<SpendBlock>();
        services.UseInMemoryStorage();
        if (wrapStore is not null)
        {
            services.AddSingleton(provider => wrapStore(provider.GetRequiredService<InMemoryStore>()));
        }
        services.AddWorkflowEngine();
        _provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public Gates Gates { get; } = new();

    public IJobStore Store => _provider.GetRequiredService<IJobStore>();

    public JobService Jobs => _provider.GetRequiredService<JobService>();

    public JobRunner Runner => _provider.GetRequiredService<JobRunner>();

    /// <summary>The wake loop, driven by hand (it is not started as a hosted service here).</summary>
    public JobWaker Waker => _provider.GetRequiredService<JobWaker>();

    public JobLeaseKeeper LeaseKeeper => _provider.GetRequiredService<JobLeaseKeeper>();

    public JobEventHub Hub => _provider.GetRequiredService<JobEventHub>();

    /// <summary>Wake-ups from other nodes, driven by hand.</summary>
    public RemoteJobChanges Changes => _provider.GetRequiredService<RemoteJobChanges>();

    public global::Workflows.Engine.Schedules.ScheduleService Schedules => _provider.GetRequiredService<global::Workflows.Engine.Schedules.ScheduleService>();

    public global::Workflows.Engine.Schedules.Scheduler Scheduler => _provider.GetRequiredService<global::Workflows.Engine.Schedules.Scheduler>();

    public global::Workflows.Engine.Schedules.IScheduleStore ScheduleStore => _provider.GetRequiredService<global::Workflows.Engine.Schedules.IScheduleStore>();

    /// <summary>Stores app <paramref name="appId"/> of <see cref="Org"/> with one workflow <c>main</c>.</summary>
    public Task PutAppAsync(string appId, string flow) =>
        _provider.GetRequiredService<IAppCatalog>().PutAppAsync(
            new StoredApp(Org, appId, appId, appId, "", new Dictionary<string, string> { ["main"] = flow }, Time.GetUtcNow()),
            CancellationToken.None);

    public static StartJobRequest Request(string appId, string? callbackUrl = null) =>
        new() { OrganizationId = Org, AppId = appId, CallbackUrl = callbackUrl };

    /// <summary>The job's final record once it finishes on this node.</summary>
    public async Task<JobRecord> CompletionAsync(Guid jobId)
    {
        var completion = Runner.GetCompletion(jobId);
        var record = completion is null
            ? await Store.GetJobAsync(jobId, CancellationToken.None) ?? throw new InvalidOperationException($"no job {jobId}")
            : await completion.WaitAsync(Deadline);
        if (record.State == JobState.Waiting &&
            (await Store.GetJobAsync(jobId, CancellationToken.None))?.State is JobState.Running or JobState.Queued)
        {
            // A claim resumed the job while the run that suspended it was still unwinding (that run's completion says
            // waiting): follow the resumed run to where it stops next.
            await WaitForEventAsync(jobId, e => e.Sequence > record.LastSequence && (e.IsTerminal || e.Type == JobEventTypes.JobWaiting));
            return await Store.GetJobAsync(jobId, CancellationToken.None) ?? throw new InvalidOperationException($"no job {jobId}");
        }

        return record;
    }

    /// <summary>Follows the job's events until one matches; fails after <see cref="Deadline"/>.</summary>
    public async Task<JobEvent> WaitForEventAsync(Guid jobId, Func<JobEvent, bool> match)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await foreach (var ev in Jobs.WatchAsync(Org, jobId, 0, deadline.Token))
        {
            if (match(ev))
            {
                return ev;
            }
        }
        throw new InvalidOperationException($"job {jobId} ended without the awaited event");
    }

    public async Task<IReadOnlyList<JobEvent>> EventsAsync(Guid jobId) =>
        await Store.GetEventsAsync(jobId, 0, 1000, CancellationToken.None);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private sealed class StateCallbackPayloads : ICallbackPayloadFactory
    {
        public string Create(JobRecord job, IReadOnlyList<JobPost> posts, string billingCost) =>
            new JsonObject { ["id"] = job.Id.ToString(), ["state"] = job.State.ToString(), ["posts"] = posts.Count }.ToJsonString();
    }
}
