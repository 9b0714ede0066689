using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>Native-API shortcuts the tests share: run, start gated jobs, watch to the end, wait for a state.</summary>
public static class JobHelpers
{
    /// <summary>How long any single awaited thing may take before the test fails instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>A deadline for one gRPC call.</summary>
    public static DateTime Deadline() => DateTime.UtcNow + Timeout;

    public static Struct Vars(params (string Name, string Value)[] values)
    {
        var vars = new Struct();
        foreach (var (name, value) in values)
        {
            vars.Fields[name] = Value.ForString(value);
        }

        return vars;
    }

    /// <summary>Runs an app and waits for its result (the server's default wait).</summary>
    public static async Task<RunResponse> RunAsync(this ServerFixture fixture, string token, string appId, params (string Name, string Value)[] variables) =>
        await fixture.Grpc().RunAsync(
            new RunRequest { AppId = appId, Variables = Vars(variables) }, ServerFixture.Bearer(token), Deadline());

    /// <summary>Runs the blog app to its end and returns the response.</summary>
    public static Task<RunResponse> RunBlogAsync(this ServerFixture fixture, string token, string topic = "tests") =>
        fixture.RunAsync(token, "blog", ("topic", topic));

    /// <summary>Starts the gated app with wait=0 and returns once its `wait` block holds on the gate and its start is durable.</summary>
    public static async Task<RunResponse> StartGatedAsync(this ServerFixture fixture, string token, string gate)
    {
        var response = await fixture.Grpc().RunAsync(
            new RunRequest { AppId = "gated", Variables = Vars(("gate", gate)), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
            ServerFixture.Bearer(token),
            Deadline());
        await GateBlock.Reached(gate).WaitAsync(Timeout);
        await fixture.GateStartDurableAsync(token, response.Job.Id);
        return response;
    }

    /// <summary>
    /// Returns once the job's gate block's block_started is durable. A block runs as soon as its block_started is queued,
    /// so a test that reads the job's stored state right after the gate was reached must wait for this: events reach a
    /// watch stream only after their commit.
    /// </summary>
    public static async Task GateStartDurableAsync(this ServerFixture fixture, string token, string jobId)
    {
        using var call = fixture.Grpc().WatchJob(new WatchJobRequest { JobId = jobId }, ServerFixture.Bearer(token), Deadline());
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            if (item.Event.Type == "block_started" && item.Event.BlockType == "gate")
            {
                return;
            }
        }
    }

    /// <summary>Watches a job after <paramref name="afterSequence"/> until the stream ends, and returns every event.</summary>
    public static async Task<List<JobEvent>> WatchToEndAsync(this ServerFixture fixture, string token, string jobId, long afterSequence = 0)
    {
        using var call = fixture.Grpc().WatchJob(
            new WatchJobRequest { JobId = jobId, AfterSequence = afterSequence }, ServerFixture.Bearer(token), Deadline());
        var events = new List<JobEvent>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            events.Add(response.Event);
        }

        return events;
    }

    /// <summary>Waits for the job to end (by watching it) and returns its final record.</summary>
    public static async Task<Job> WaitForEndAsync(this ServerFixture fixture, string token, string jobId)
    {
        await fixture.WatchToEndAsync(token, jobId);
        var response = await fixture.Grpc().GetJobAsync(new GetJobRequest { JobId = jobId }, ServerFixture.Bearer(token), Deadline());
        return response.Job;
    }

    /// <summary>Asserts that the events are numbered first, first+1, ... without a gap and end with a terminal event.</summary>
    public static void AssertGaplessToEnd(IReadOnlyList<JobEvent> events, long first, string terminalType)
    {
        Assert.NotEmpty(events);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => first + i), events.Select(e => e.Sequence));
        Assert.Equal(terminalType, events[^1].Type);
    }

    /// <summary>Expects the call to fail with <paramref name="code"/> and returns the exception.</summary>
    public static async Task<RpcException> ThrowsStatusAsync(StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, ex.StatusCode);
        return ex;
    }
}
