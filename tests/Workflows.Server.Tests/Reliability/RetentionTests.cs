using System.Net;
using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Reliability;

/// <summary>
/// Retention on a server of its own with a one-day <c>MaxAge</c>, a short interval and a clock the test moves forward:
/// finished jobs and their files go, a job still running stays.
/// </summary>
public sealed class RetentionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Retention_FinishedJobsOlderThanMaxAge_DeletedWithTheirFilesRunningJobKept()
    {
        var clock = new AdjustableTimeProvider();
        await using var server = await InProcessServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Workflows:Retention:MaxAge"] = "1.00:00:00",
                ["Workflows:Retention:Interval"] = "00:00:00.100",
            },
            clock);
        var token = server.Token("default");
        var auth = InProcessServer.Bearer(token);

        var png = RandomNumberGenerator.GetBytes(64);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        var withFile = await server.Grpc().RunAsync(
            new RunRequest { AppId = "files", Variables = JobHelpers.Vars(("image", "data:image/png;base64," + Convert.ToBase64String(png))) },
            auth,
            JobHelpers.Deadline());
        Assert.Equal(JobState.Succeeded, withFile.Job.State);
        var fileUrl = new Uri(withFile.Result.StructValue.Fields["photo"].StructValue.Fields["url"].StringValue).PathAndQuery;
        using var rest = server.Rest(token);
        Assert.Equal(HttpStatusCode.OK, (await rest.GetAsync(fileUrl)).StatusCode);

        var gate = "retention-" + Guid.NewGuid().ToString("N");
        var running = await server.Grpc().RunAsync(
            new RunRequest { AppId = "gated", Variables = JobHelpers.Vars(("gate", gate)), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
            auth,
            JobHelpers.Deadline());
        await GateBlock.Reached(gate).WaitAsync(Deadline);

        // Two days later (past MaxAge plus the job time limit files get on top): the next pass deletes.
        clock.Advance(TimeSpan.FromDays(2));
        await WaitUntilGoneAsync(server, auth, withFile.Job.Id);

        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            server.Grpc().GetJobResultsAsync(new GetJobResultsRequest { JobId = withFile.Job.Id }, auth, JobHelpers.Deadline()).ResponseAsync);
        await AssertEventuallyAsync(async () => (await rest.GetAsync(fileUrl)).StatusCode == HttpStatusCode.NotFound, "the file is still served");

        // The running job was not touched, and finishes normally.
        GateBlock.Open(gate);
        using var watch = server.Grpc().WatchJob(new WatchJobRequest { JobId = running.Job.Id }, auth, JobHelpers.Deadline());
        var events = new List<JobEvent>();
        while (await watch.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(watch.ResponseStream.Current.Event);
        }

        JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
    }

    private static Task WaitUntilGoneAsync(InProcessServer server, Metadata auth, string jobId) =>
        AssertEventuallyAsync(
            async () =>
            {
                try
                {
                    await server.Grpc().GetJobAsync(new GetJobRequest { JobId = jobId }, auth, JobHelpers.Deadline());
                    return false;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    return true;
                }
            },
            $"job {jobId} was not pruned");

    private static async Task AssertEventuallyAsync(Func<Task<bool>> condition, string message)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, message);
            await Task.Delay(50);
        }
    }
}
