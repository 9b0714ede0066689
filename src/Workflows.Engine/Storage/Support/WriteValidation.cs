using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Storage.Support;

/// <summary>
/// The checks every store makes on the caller's thread before a write is queued, so its writer never sees malformed
/// input: events numbered in order without gaps, the job's last sequence matching them. For store implementations.
/// </summary>
public static class WriteValidation
{
    /// <summary>A new job's first events start at 1 without gaps, belong to it, and end at its last sequence.</summary>
    /// <exception cref="ArgumentException">When they do not.</exception>
    public static void ValidateNewJob(JobRecord job, IReadOnlyList<JobEvent> events)
    {
        ValidateEvents(job.Id, 0, events, "events");
        var last = events.Count == 0 ? 0 : events[^1].Sequence;
        if (job.LastSequence != last)
        {
            throw new ArgumentException(
                $"Job {job.Id} has LastSequence {job.LastSequence} but its last event has sequence {last}.", nameof(job));
        }
    }

    /// <summary>A commit's events continue its expected sequence without gaps, and its events and outbox messages belong to its job.</summary>
    /// <exception cref="ArgumentException">When they do not.</exception>
    public static void ValidateCommit(JobCommit commit)
    {
        if (commit.Create is { } create)
        {
            ValidateNewJob(create.Job, create.Events);
            if (create.Job.Id != commit.JobId || create.Job.LastSequence != commit.ExpectedSequence)
            {
                throw new ArgumentException(
                    $"The job created with commit {commit.JobId} must be that job, with last sequence {commit.ExpectedSequence}.", nameof(commit));
            }
        }

        ValidateEvents(commit.JobId, commit.ExpectedSequence, commit.Events, nameof(commit));
        foreach (var message in commit.Outbox)
        {
            if (message.JobId != commit.JobId)
            {
                throw new ArgumentException(
                    $"Outbox message {message.DeliveryId} is about job {message.JobId}, not {commit.JobId}.", nameof(commit));
            }
        }
    }

    private static void ValidateEvents(Guid jobId, long expectedSequence, IReadOnlyList<JobEvent> events, string parameterName)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.JobId != jobId)
            {
                throw new ArgumentException($"Event {e.Sequence} belongs to job {e.JobId}, not {jobId}.", parameterName);
            }
            if (e.Sequence != expectedSequence + i + 1)
            {
                throw new ArgumentException(
                    $"Events of job {jobId} must be numbered {expectedSequence + 1}, {expectedSequence + 2}, … without gaps; " +
                    $"event {i + 1} has sequence {e.Sequence}.",
                    parameterName);
            }
        }
    }
}
