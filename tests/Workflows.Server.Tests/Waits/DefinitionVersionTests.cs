using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Waits;

/// <summary>
/// A job keeps the workflow definition it started with: replacing its app while it waits changes neither the signal it
/// waits for nor the blocks it runs after it, across a restart too; a rerun runs the original's definition; new jobs
/// run the new one.
/// </summary>
public sealed class DefinitionVersionTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-versions-" + Guid.NewGuid().ToString("N"));

    private WaitServer? _server;

    public async Task InitializeAsync() => _server = await WaitServer.StartAsync(_dataDir);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held on a slow shutdown; the OS cleans the temp dir.
        }
    }

    private static string Flow(string signal, string text) => $$$"""
        name: Versioned
        launchVariables:
          who: { type: string, required: true }
        blocks:
          - id: gate
            type: wait_for_signal
            signal: {{{signal}}}
            schema:
              note: string
          - id: out
            type: output
            value: "{{{text}}} {{$launchVariables->who}} {{gate.note}}"
        """;

    private async Task PutAsync(string signal, string text)
    {
        var request = new PutAppRequest { AppId = "versioned", Name = "Versioned" };
        request.Workflows["main"] = Flow(signal, text);
        await _server!.Client.PutAppAsync(request, _server.Auth, JobHelpers.Deadline());
    }

    private async Task<string> StartAsync(string who)
    {
        var run = await _server!.Client.RunAsync(
            new RunRequest { AppId = "versioned", Variables = JobHelpers.Vars(("who", who)), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
            _server.Auth,
            JobHelpers.Deadline());
        await _server.WatchUntilAsync(run.Job.Id, e => e.Type == "job_waiting");
        return run.Job.Id;
    }

    private Task<SignalJobResponse> SignalAsync(string jobId, string signal, string note) =>
        _server!.Client.SignalJobAsync(
            new SignalJobRequest
            {
                JobId = jobId,
                Signal = signal,
                Payload = new Struct { Fields = { ["note"] = Value.ForString(note) } },
            },
            _server.Auth,
            JobHelpers.Deadline()).ResponseAsync;

    private async Task<string> ResultAsync(string jobId)
    {
        await _server!.WatchToEndAsync(jobId);
        var job = await _server.GetAsync(jobId);
        Assert.Equal(JobState.Succeeded, job.State);
        return job.Result.StringValue;
    }

    [Fact]
    public async Task AppReplacedWhileAJobWaits_TheJobFinishesOnItsOwnDefinition_NewJobsOnTheNewOne()
    {
        await PutAsync("go", "v1");
        var old = await StartAsync("ann");

        await PutAsync("proceed", "v2");
        var fresh = await StartAsync("bob");

        // The old job still waits for "go", which the app no longer names; the new job only for "proceed".
        var refused = await Assert.ThrowsAsync<RpcException>(() => SignalAsync(fresh, "go", "x"));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("'proceed'", refused.Status.Detail, StringComparison.Ordinal);
        await SignalAsync(old, "go", "first");
        await SignalAsync(fresh, "proceed", "second");

        Assert.Equal("v1 ann first", await ResultAsync(old));
        Assert.Equal("v2 bob second", await ResultAsync(fresh));
    }

    [Fact]
    public async Task AppReplacedThenServerRestarted_TheWaitingJobResumesOnItsOwnDefinition()
    {
        await PutAsync("go", "v1");
        var old = await StartAsync("ann");
        await PutAsync("proceed", "v2");

        await _server!.DisposeAsync();
        _server = null;
        _server = await WaitServer.StartAsync(_dataDir);
        await SignalAsync(old, "go", "after restart");

        Assert.Equal("v1 ann after restart", await ResultAsync(old));
    }

    [Fact]
    public async Task Rerun_AfterTheAppChanged_RunsTheOriginalDefinition()
    {
        await PutAsync("go", "v1");
        var original = await StartAsync("ann");
        await SignalAsync(original, "go", "once");
        Assert.Equal("v1 ann once", await ResultAsync(original));
        await PutAsync("proceed", "v2");

        var rerun = await _server!.Client.RerunJobAsync(new RerunJobRequest { JobId = original }, _server.Auth, JobHelpers.Deadline());
        await _server.WatchUntilAsync(rerun.Job.Id, e => e.Type == "job_waiting");
        await SignalAsync(rerun.Job.Id, "go", "twice");

        Assert.Equal("v1 ann twice", await ResultAsync(rerun.Job.Id));
    }
}
