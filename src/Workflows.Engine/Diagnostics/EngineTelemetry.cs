using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Workflows.Engine.Diagnostics;

/// <summary>
/// The engine's traces and metrics, made with <see cref="System.Diagnostics"/> only: what listens and where it goes is the
/// host's choice (OpenTelemetry in Workflows.Server). Names and attributes are the contract in SPEC.md, "Observability";
/// docs/observability.md lists them.
/// </summary>
public static class EngineTelemetry
{
    /// <summary>The name of the engine's <see cref="ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "Workflows.Engine";

    /// <summary>The span of one attempt at running a job (a start, a resume after a wait, a takeover after a crash).</summary>
    public const string RunSpan = "workflow.run";

    /// <summary>The span name of a block is this prefix and its type (<c>block generate_text</c>).</summary>
    public const string BlockSpanPrefix = "block ";

    /// <summary>Span attribute: the job id.</summary>
    public const string JobIdTag = "workflows.job_id";

    /// <summary>Span attribute: the app id.</summary>
    public const string AppIdTag = "workflows.app_id";

    /// <summary>Span attribute: the workflow name.</summary>
    public const string WorkflowTag = "workflows.workflow";

    /// <summary>Span attribute: the organisation id.</summary>
    public const string OrganizationIdTag = "workflows.organization_id";

    /// <summary>Span attribute: the block id.</summary>
    public const string BlockIdTag = "workflows.block_id";

    /// <summary>Span attribute: the block type.</summary>
    public const string BlockTypeTag = "workflows.block_type";

    /// <summary>Span attribute: true when this run resumes the job (after a wait, a restart or a takeover).</summary>
    public const string ResumedTag = "workflows.resumed";

    /// <summary>Span attribute: the state the job was left in by this attempt.</summary>
    public const string StateTag = "workflows.job_state";

    private static readonly string? Version = typeof(EngineTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>Starts the engine's spans.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    /// <summary>Holds the engine's instruments.</summary>
    public static Meter Meter { get; } = new(Name, Version);

    // Prometheus names: dots become underscores, counters get _total and "s" units _seconds
    // (workflows.jobs.started -> workflows_jobs_started_total, workflows.job.duration -> workflows_job_duration_seconds).
    internal static readonly Counter<long> JobsStarted =
        Meter.CreateCounter<long>("workflows.jobs.started", description: "Jobs that started running (first attempt only).");

    internal static readonly Counter<long> JobsFinished =
        Meter.CreateCounter<long>("workflows.jobs.finished", description: "Jobs that reached a terminal state, by state.");

    internal static readonly Histogram<double> JobDuration = Meter.CreateHistogram(
        "workflows.job.duration", unit: "s", description: "From a job's start to its terminal state (waits included).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });

    internal static readonly Histogram<double> BlockDuration = Meter.CreateHistogram(
        "workflows.block.duration", unit: "s", description: "One run of one block, by block type.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    internal static readonly Histogram<double> QueueDelay = Meter.CreateHistogram(
        "workflows.queue.delay", unit: "s", description: "From a job being queued to its start.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    internal static readonly UpDownCounter<long> JobsRunning =
        Meter.CreateUpDownCounter<long>("workflows.jobs.running", description: "Jobs executing in this process.");

    private static long _watchers;

    // Observed rather than added to, so the gauge is there (at 0) before anyone ever watched.
    private static readonly ObservableUpDownCounter<long> WatcherCount = Meter.CreateObservableUpDownCounter(
        "workflows.watchers", () => Volatile.Read(ref _watchers),
        description: "Live subscriptions to job events in this process (WatchJob streams, progress forwarding).");

    private static readonly Counter<long> LlmTokens =
        Meter.CreateCounter<long>("workflows.llm.tokens", description: "Model tokens used, by direction (input, output).");

    private static readonly Counter<long> CallbackDeliveries =
        Meter.CreateCounter<long>("workflows.callback.deliveries", description: "Callback and progress delivery attempts, by outcome.");

    private static long _waitingJobs = -1;

    // A store count, sampled by the host (a scrape must never wait for a query); absent until the first sample.
    private static readonly ObservableGauge<long> WaitingJobs = Meter.CreateObservableGauge(
        "workflows.jobs.waiting",
        () => Volatile.Read(ref _waitingJobs) is var waiting and >= 0 ? [new Measurement<long>(waiting)] : Array.Empty<Measurement<long>>(),
        description: "Jobs in state waiting in the store (all nodes), as last sampled.");

    /// <summary>Counts a subscription to a job's events starting (+1) or ending (-1).</summary>
    internal static void AddWatchers(int delta) => Interlocked.Add(ref _watchers, delta);

    /// <summary>Whether the watcher gauge is listened to (it is registered on first use of this class).</summary>
    internal static bool WatchersObserved => WatcherCount.Enabled;

    /// <summary>Whether the waiting-jobs gauge has a sample (it is registered on first use of this class).</summary>
    internal static bool HasWaitingSample => WaitingJobs.Enabled && Volatile.Read(ref _waitingJobs) >= 0;

    /// <summary>Records the tokens a model call used (<c>generate_text</c>).</summary>
    public static void RecordTokens(long input, long output)
    {
        if (input > 0)
        {
            LlmTokens.Add(input, new KeyValuePair<string, object?>("direction", "input"));
        }

        if (output > 0)
        {
            LlmTokens.Add(output, new KeyValuePair<string, object?>("direction", "output"));
        }
    }

    /// <summary>Records one delivery attempt's outcome (<c>delivered</c>, <c>retry</c>, <c>failed</c>, <c>dropped</c>).</summary>
    public static void RecordDelivery(string kind, string outcome) =>
        CallbackDeliveries.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Sets the sampled number of waiting jobs in the store.</summary>
    public static void SetWaitingJobs(long count) => Volatile.Write(ref _waitingJobs, count);
}
