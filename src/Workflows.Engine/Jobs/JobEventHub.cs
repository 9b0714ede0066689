using System.Collections.Concurrent;
using System.Threading.Channels;
using Workflows.Engine.Diagnostics;

namespace Workflows.Engine.Jobs;

/// <summary>
/// In-process fan-out of committed events to live watchers. It is only a wake-up path: the store is the
/// truth, and a watcher that sees a gap (it fell behind and events were dropped) reads the store again.
/// </summary>
public sealed class JobEventHub
{
    // Bounded so one slow watcher cannot hold unbounded memory; DropOldest always keeps the newest
    // (so the terminal event is never the one dropped) and the watcher fills gaps from the store.
    private const int WatcherBuffer = 256;
    private readonly ConcurrentDictionary<Guid, Subscribers> _jobs = new();

    /// <summary>Starts receiving events of a job. Dispose the subscription to stop.</summary>
    public JobSubscription Subscribe(Guid jobId)
    {
        var channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(WatcherBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        var subscription = new JobSubscription(this, jobId, channel);
        _jobs.AddOrUpdate(jobId, _ => new Subscribers([subscription], new Known()), (_, s) => s.Add(subscription));
        EngineTelemetry.AddWatchers(1);
        return subscription;
    }

    /// <summary>Sends a committed event to the job's watchers.</summary>
    public void Publish(JobEvent jobEvent) => Publish([jobEvent]);

    /// <summary>
    /// Sends one job's committed events (in sequence order) to its watchers: all of them to one watcher before the next,
    /// so a watcher that wakes finds the whole commit and can write it out at once.
    /// </summary>
    public void Publish(IReadOnlyList<JobEvent> events)
    {
        if (events.Count == 0 || !_jobs.TryGetValue(events[0].JobId, out var subscribers))
        {
            return;
        }

        subscribers.Known.Raise(events[^1].Sequence);
        foreach (var subscription in subscribers.Items)
        {
            foreach (var jobEvent in events)
            {
                subscription.Writer.TryWrite(jobEvent);
            }
        }
    }

    /// <summary>
    /// Wakes the job's watchers without an event: events up to <paramref name="lastSequence"/> were committed elsewhere
    /// (another node), so each watcher that has not seen them reads them from the store.
    /// </summary>
    public void Nudge(Guid jobId, long lastSequence)
    {
        if (_jobs.TryGetValue(jobId, out var subscribers))
        {
            if (lastSequence != long.MaxValue)
            {
                subscribers.Known.Raise(lastSequence);
            }

            var wake = WakeUp(jobId, lastSequence);
            foreach (var subscription in subscribers.Items)
            {
                subscription.Writer.TryWrite(wake);
            }
        }
    }

    /// <summary>Wakes every watcher to re-read the store (wake-ups from other nodes may have been missed).</summary>
    public void NudgeAll()
    {
        foreach (var jobId in _jobs.Keys)
        {
            Nudge(jobId, long.MaxValue);
        }
    }

    /// <summary>A watcher of the job read its events up to <paramref name="sequence"/> from the store.</summary>
    internal void Acknowledge(Guid jobId, long sequence)
    {
        if (_jobs.TryGetValue(jobId, out var subscribers))
        {
            subscribers.Known.Raise(sequence);
        }
    }

    /// <summary>The jobs with at least one watcher.</summary>
    public IReadOnlyList<Guid> WatchedJobIds => [.. _jobs.Keys];

    /// <summary>
    /// Catches watchers up after wake-ups may have been missed: of <paramref name="jobIds"/>, wakes the watchers of each job
    /// whose stored last sequence (<paramref name="stored"/>) is beyond what this hub has published or been told of, and of
    /// each job missing from <paramref name="stored"/> (removed; its watchers end). Returns how many jobs' watchers it woke.
    /// </summary>
    public int NudgeBehind(IEnumerable<Guid> jobIds, IReadOnlyDictionary<Guid, long> stored)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        ArgumentNullException.ThrowIfNull(stored);
        var woken = 0;
        foreach (var jobId in jobIds)
        {
            if (!_jobs.TryGetValue(jobId, out var subscribers))
            {
                continue;
            }

            if (!stored.TryGetValue(jobId, out var last))
            {
                Nudge(jobId, long.MaxValue);
                woken++;
            }
            else if (last > subscribers.Known.Sequence)
            {
                Nudge(jobId, last);
                woken++;
            }
        }

        return woken;
    }

    /// <summary>Whether an item read from a subscription is a wake-up (<see cref="Nudge"/>) rather than an event.</summary>
    internal static bool IsWakeUp(JobEvent item) => ReferenceEquals(item.Type, WakeUpType);

    private const string WakeUpType = "wake_up";

    private static JobEvent WakeUp(Guid jobId, long lastSequence) => new(jobId, lastSequence, WakeUpType, default);

    /// <summary>Number of jobs with at least one watcher (for metrics and tests).</summary>
    public int WatchedJobs => _jobs.Count;

    internal void Unsubscribe(JobSubscription subscription)
    {
        EngineTelemetry.AddWatchers(-1);
        while (_jobs.TryGetValue(subscription.JobId, out var current))
        {
            var next = current.Remove(subscription);
            var updated = next.Items.Length == 0
                ? _jobs.TryRemove(new KeyValuePair<Guid, Subscribers>(subscription.JobId, current))
                : _jobs.TryUpdate(subscription.JobId, next, current);
            if (updated)
            {
                return;
            }
        }
    }

    // Immutable, so Publish iterates a snapshot without locks; the highest sequence known is shared by the snapshots.
    private sealed class Subscribers(JobSubscription[] items, Known known)
    {
        public JobSubscription[] Items { get; } = items;

        public Known Known { get; } = known;

        public Subscribers Add(JobSubscription s) => new([.. Items, s], Known);

        public Subscribers Remove(JobSubscription s) => new(Array.FindAll(Items, x => !ReferenceEquals(x, s)), Known);
    }

    // The highest sequence of a job published here or announced by a wake-up: its watchers have been told up to there.
    private sealed class Known
    {
        private long _sequence;

        public long Sequence => Volatile.Read(ref _sequence);

        public void Raise(long sequence)
        {
            var current = Volatile.Read(ref _sequence);
            while (current < sequence)
            {
                var seen = Interlocked.CompareExchange(ref _sequence, sequence, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }
        }
    }
}

/// <summary>A live feed of one job's events; dispose to stop.</summary>
public sealed class JobSubscription : IDisposable
{
    private readonly JobEventHub _hub;
    private readonly Channel<JobEvent> _channel;
    private int _disposed;

    internal JobSubscription(JobEventHub hub, Guid jobId, Channel<JobEvent> channel)
    {
        _hub = hub;
        JobId = jobId;
        _channel = channel;
    }

    /// <summary>The job.</summary>
    public Guid JobId { get; }

    /// <summary>Events as they are committed; may skip some when the reader is slow.</summary>
    public ChannelReader<JobEvent> Reader => _channel.Reader;

    internal ChannelWriter<JobEvent> Writer => _channel.Writer;

    /// <summary>Tells the hub this watcher read the job's events up to <paramref name="sequence"/> from the store.</summary>
    internal void Acknowledge(long sequence) => _hub.Acknowledge(JobId, sequence);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _hub.Unsubscribe(this);
            _channel.Writer.TryComplete();
        }
    }
}
