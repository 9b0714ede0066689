using System.Text.Json;
using Workflows.Cli.Tests.Fixtures;

namespace Workflows.Cli.Tests;

/// <summary><c>workflows jobs …</c> as processes against a real server, with <c>-o json</c> parsed.</summary>
[Collection(CliServerCollection.Name)]
public sealed class JobsCommandTests(CliServer server)
{
    [Fact]
    public async Task GetListResults_Json_DescribeTheJob()
    {
        var jobId = await FinishedHelloJobAsync("list");

        var get = await server.RunAsync("jobs", "get", jobId, "-o", "json");
        Assert.True(get.Code == 0, get.ToString());
        var job = JsonDocument.Parse(get.Output).RootElement.GetProperty("job");
        Assert.Equal(jobId, job.GetProperty("id").GetString());
        Assert.Equal("JOB_STATE_SUCCEEDED", job.GetProperty("state").GetString());
        Assert.Equal("list", job.GetProperty("variables").GetProperty("name").GetString());

        var list = await server.RunAsync("jobs", "list", "--app", "hello", "--state", "succeeded", "--limit", "500", "-o", "json");
        Assert.True(list.Code == 0, list.ToString());
        var jobs = JsonDocument.Parse(list.Output).RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Contains(jobs, j => j.GetProperty("id").GetString() == jobId);
        Assert.All(jobs, j => Assert.Equal("hello", j.GetProperty("appId").GetString()));

        var results = await server.RunAsync("jobs", "results", jobId, "-o", "json");
        Assert.True(results.Code == 0, results.ToString());
        Assert.Equal("Hello, list!", JsonDocument.Parse(results.Output).RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public async Task GetListResults_Text_AreReadable()
    {
        var jobId = await FinishedHelloJobAsync("text");

        var get = await server.RunAsync("jobs", "get", jobId);
        Assert.Contains(get.Lines, l => l.StartsWith("state", StringComparison.Ordinal) && l.EndsWith("succeeded", StringComparison.Ordinal));
        var list = await server.RunAsync("jobs", "list", "--app", "hello", "--limit", "500");
        Assert.Equal("ID\tAPP\tWORKFLOW\tSTATE\tCREATED", list.Lines[0]);
        Assert.Contains(list.Lines, l => l.StartsWith(jobId + "\thello\tmain\tsucceeded\t", StringComparison.Ordinal));
        var results = await server.RunAsync("jobs", "results", jobId);
        Assert.Equal("Hello, text!", results.Lines[^1]);
    }

    [Fact]
    public async Task Signal_AnswersAWaitingJob_WhichThenSucceeds()
    {
        var jobId = await WaitingJobAsync();

        var signal = await server.RunAsync("jobs", "signal", jobId, "approval", "--var", "approved:=true", "--var", "note=ship it", "-o", "json");
        Assert.True(signal.Code == 0, signal.ToString());
        Assert.Equal(jobId, JsonDocument.Parse(signal.Output).RootElement.GetProperty("job").GetProperty("id").GetString());

        var watched = await server.RunAsync("jobs", "watch", jobId);
        Assert.True(watched.Code == 0, watched.ToString());
        Assert.Equal("true ship it", watched.Lines[^1]);
    }

    [Fact]
    public async Task Signal_PayloadAgainstTheSchema_Exit2NamingTheField()
    {
        var jobId = await WaitingJobAsync();

        var signal = await server.RunAsync("jobs", "signal", jobId, "approval", "--data", """{"note":"no verdict"}""");

        Assert.True(signal.Code == 2, signal.ToString());
        Assert.Contains("approved", signal.Error, StringComparison.Ordinal);
        await server.RunAsync("jobs", "cancel", jobId);
    }

    [Fact]
    public async Task Cancel_StopsAWaitingJob_AndWatchExits1()
    {
        var jobId = await WaitingJobAsync();

        var cancel = await server.RunAsync("jobs", "cancel", jobId, "--reason", "not needed");
        Assert.True(cancel.Code == 0, cancel.ToString());
        Assert.Equal($"{jobId} cancelled", cancel.Lines[0]);

        var watched = await server.RunAsync("jobs", "watch", jobId);
        Assert.True(watched.Code == 1, watched.ToString());
        Assert.Contains("job_cancelled", watched.Lines);
        Assert.Contains("cancelled", watched.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rerun_StartsANewJobWithOverlaidVariables()
    {
        var original = await FinishedHelloJobAsync("first");

        var rerun = await server.RunAsync("jobs", "rerun", original, "--var", "name=second", "--watch");
        Assert.True(rerun.Code == 0, rerun.ToString());
        Assert.Equal("Hello, second!", rerun.Lines[^1]);

        var detached = await server.RunAsync("jobs", "rerun", original, "-o", "json");
        var job = JsonDocument.Parse(detached.Output).RootElement.GetProperty("job");
        Assert.Equal(original, job.GetProperty("rerunOf").GetString());
        Assert.NotEqual(original, job.GetProperty("id").GetString());
    }

    [Fact]
    public async Task UnknownJob_Exit4()
    {
        foreach (var verb in new[] { "get", "watch", "cancel", "results", "rerun" })
        {
            var result = await server.RunAsync("jobs", verb, "00000000-0000-0000-0000-000000000000");
            Assert.True(result.Code == 4, $"{verb}: {result}");
            Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        }
    }

    private async Task<string> FinishedHelloJobAsync(string name)
    {
        var run = await server.RunAsync("run", "hello", "--var", $"name={name}", "-o", "json");
        Assert.True(run.Code == 0, run.ToString());
        return JsonDocument.Parse(run.Lines[0]).RootElement.GetProperty("jobId").GetString()!;
    }

    private async Task<string> WaitingJobAsync()
    {
        var run = await server.RunAsync("run", "approve", "--detach");
        Assert.True(run.Code == 0, run.ToString());
        return run.Lines[0];
    }
}
