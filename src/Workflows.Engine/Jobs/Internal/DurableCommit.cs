using System.Diagnostics;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// Sends one commit until the store has it: a store that fails for a reason that may pass (a lost connection, a database
/// restart) is asked again with the same commit, with growing pauses, for up to a window. A commit that failed that way
/// may have landed with only its acknowledgement lost; when the store then refuses the repeat (the sequence moved on, or
/// the job it creates exists), the stored events decide: if they are this commit's own, it landed.
/// </summary>
internal static class DurableCommit
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    /// <summary>Null once the commit is durable; else the error that ended the attempts.</summary>
    /// <remarks>
    /// The pauses use the wall clock, not the engine's <see cref="TimeProvider"/>: they pace requests to a real database,
    /// and a test's frozen clock must not stall them.
    /// </remarks>
    public static async Task<Exception?> SendAsync(IJobStore store, JobCommit commit, TimeSpan window)
    {
        var clock = Stopwatch.StartNew();
        var pause = FirstPause;
        var uncertain = false;
        while (true)
        {
            Exception failure;
            try
            {
                // Store writes are not cancelled with the job: a half-reported step is worse than a late one.
                await store.CommitAsync(commit, CancellationToken.None);
                return null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = e;
            }

            if (IsRefusal(failure))
            {
                // A refusal after an attempt whose answer was lost may be the store recognising that attempt.
                // (A job refused for its organisation's running limit may be refused because the lost attempt stored it.)
                return uncertain && failure is ConcurrencyException or InvalidOperationException or RunningLimitException && await LandedAsync(store, commit)
                    ? null
                    : failure;
            }

            if (clock.Elapsed + pause > window)
            {
                return failure;
            }

            uncertain = true;
            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    /// <summary>
    /// Whether the store answered (and will answer again the same way): the commit does not fit the stored job, names an
    /// unknown job, is malformed, or creates a job over its organisation's running limit. Anything else (a connection error, a timeout) may pass.
    /// </summary>
    public static bool IsRefusal(Exception error) =>
        error is ConcurrencyException or KeyNotFoundException or ArgumentException or InvalidOperationException or OperationCanceledException
            or RunningLimitException;

    // Whether the job's stored events after the commit's expected sequence are the commit's own events.
    private static async Task<bool> LandedAsync(IJobStore store, JobCommit commit)
    {
        var events = commit.Create is { } create ? [.. create.Events, .. commit.Events] : commit.Events;
        if (events.Count == 0)
        {
            return false;
        }

        var after = events[0].Sequence - 1;
        IReadOnlyList<JobEvent> stored;
        try
        {
            stored = await store.GetEventsAsync(commit.JobId, after, events.Count, CancellationToken.None);
        }
        catch (Exception e) when (!IsRefusal(e) && e is not OutOfMemoryException)
        {
            // Cannot tell: the caller treats the commit as not stored; the job's durable state decides what comes next.
            return false;
        }

        if (stored.Count != events.Count)
        {
            return false;
        }

        for (var i = 0; i < events.Count; i++)
        {
            var (mine, theirs) = (events[i], stored[i]);
            if (mine.Sequence != theirs.Sequence || mine.Type != theirs.Type || mine.BlockId != theirs.BlockId ||
                mine.Time != theirs.Time || mine.Text != theirs.Text || mine.Error != theirs.Error)
            {
                return false;
            }
        }

        return true;
    }
}
