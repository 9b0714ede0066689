using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Relational.Tests;

public sealed class PreparedWriteTests
{
    private static readonly Guid JobId = Guid.NewGuid();
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1000);

    [Fact]
    public void PreparedCommit_OutputSharedWithItsEvent_IsSerialisedOnce()
    {
        var output = new JsonObject { ["n"] = 1 };
        var commit = new JobCommit
        {
            JobId = JobId,
            ExpectedSequence = 3,
            Events = [new JobEvent(JobId, 4, "block_completed", Now) { Output = output }],
            Outputs = [new BlockOutput("b1", output)],
            Result = output,
        };

        var prepared = PreparedCommit.From(commit);

        Assert.Equal("""{"n":1}""", prepared.Events[0].Output);
        Assert.Same(prepared.Events[0].Output, prepared.Outputs[0].Output);
        Assert.Same(prepared.Events[0].Output, prepared.Result);
        Assert.Equal(4, prepared.LastSequence);
    }

    [Fact]
    public void PreparedCommit_NullOutputAndNoEvents_StoresTheTextNullAndKeepsTheSequence()
    {
        var commit = new JobCommit { JobId = JobId, ExpectedSequence = 3, Outputs = [new BlockOutput("b1", null)] };

        var prepared = PreparedCommit.From(commit);

        Assert.Equal(("b1", "null"), prepared.Outputs[0]);
        Assert.Null(prepared.Result);
        Assert.Equal(3, prepared.LastSequence);
    }

    [Fact]
    public void PreparedJob_Job_SerialisesVariablesResultAndEvents()
    {
        var job = new JobRecord
        {
            Id = JobId,
            OrganizationId = "org",
            AppId = "blog",
            Workflow = "post",
            State = JobState.Queued,
            Variables = new JsonObject { ["topic"] = "otters" },
            CreatedAt = Now,
        };

        var prepared = PreparedJob.From(job, [new JobEvent(JobId, 1, "job_queued", Now) { Data = new JsonObject { ["a"] = true } }]);

        Assert.Equal("""{"topic":"otters"}""", prepared.Variables);
        Assert.Null(prepared.Result);
        Assert.Null(prepared.Events[0].Output);
        Assert.Equal("""{"a":true}""", prepared.Events[0].Data);
    }

    [Fact]
    public void CommitRejected_StoredSequenceDiffers_NamesBothSequences()
    {
        var commit = new JobCommit { JobId = JobId, ExpectedSequence = 3, LeaseOwner = "me" };

        var exception = StoreErrors.CommitRejected(commit, 5, "me", JobState.Running);

        Assert.Equal($"Job {JobId} is at sequence 5, but the commit expected 3.", exception.Message);
    }

    [Fact]
    public void CommitRejected_SameSequence_BlamesTheLease()
    {
        var commit = new JobCommit { JobId = JobId, ExpectedSequence = 3, LeaseOwner = "me" };

        Assert.Equal($"Job {JobId} is leased to no node, not to me.", StoreErrors.CommitRejected(commit, 3, null, JobState.Running).Message);
        Assert.Equal($"Job {JobId} is leased to other, not to me.", StoreErrors.CommitRejected(commit, 3, "other", JobState.Waiting).Message);
    }

    [Fact]
    public void CommitRejected_FinishedJob_SaysSoWhateverTheSequence()
    {
        var commit = new JobCommit { JobId = JobId, ExpectedSequence = 3, LeaseOwner = "me" };

        Assert.Equal(
            $"Job {JobId} has finished (cancelled); it takes no more events or state changes.",
            StoreErrors.CommitRejected(commit, 3, "me", JobState.Cancelled).Message);
        Assert.Contains("has finished (succeeded)", StoreErrors.CommitRejected(commit, 7, null, JobState.Succeeded).Message, StringComparison.Ordinal);
    }
}
