using System.Text.Json;
using Workflows.Cli.Tests.Fixtures;

namespace Workflows.Cli.Tests;

/// <summary><c>workflows run</c> and <c>jobs watch</c> as processes against a real server.</summary>
[Collection(CliServerCollection.Name)]
public sealed class RunCommandTests(CliServer server)
{
    [Fact]
    public async Task Run_Piped_PrintsPlainProgressThenTheResult_Exit0()
    {
        var result = await server.RunAsync("run", "hello", "--var", "name=otter");

        Assert.True(result.Code == 0, result.ToString());
        var lines = result.Lines;
        Assert.StartsWith("job_queued ", lines[0], StringComparison.Ordinal);
        Assert.Contains("block_started greeting template", lines);
        Assert.Contains(lines, l => l.StartsWith("block_completed greeting ", StringComparison.Ordinal));
        Assert.Equal("Hello, otter!", lines[^1]);
        Assert.DoesNotContain("\u001b[", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonOutput_IsOneJsonEventPerLine()
    {
        var result = await server.RunAsync("run", "hello", "main", "--var", "name=json", "-o", "json");

        Assert.True(result.Code == 0, result.ToString());
        var events = result.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            events.Select(e => e.GetProperty("sequence").GetString()));
        Assert.Equal("job_queued", events[0].GetProperty("type").GetString());
        Assert.Equal("job_succeeded", events[^1].GetProperty("type").GetString());
        Assert.Equal("Hello, json!", events[^1].GetProperty("output").GetString());
    }

    [Fact]
    public async Task Run_StreamedModelText_IsPrintedAsItComes()
    {
        var result = await server.RunAsync("run", "chat");

        Assert.True(result.Code == 0, result.ToString());
        // The deltas are written as they arrive, on one line, between the block's start and its end.
        var lines = result.Lines.ToList();
        var started = lines.IndexOf("block_started answer generate_text");
        Assert.True(started >= 0, result.ToString());
        Assert.Equal("Hello from the model", lines[started + 1]);
        Assert.StartsWith("block_completed answer ", lines[started + 2], StringComparison.Ordinal);
        Assert.Equal("Hello from the model", lines[^1]);
    }

    [Fact]
    public async Task Run_JobFails_Exit1WithTheJobsError()
    {
        var result = await server.RunAsync("run", "broken");

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(result.Lines, l => l.StartsWith("block_failed boom ", StringComparison.Ordinal));
        Assert.Contains("error: the job failed: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("boom on purpose", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Detach_PrintsTheJobId_ThenWatchFollowsItAndResumesAfterASequence()
    {
        var detached = await server.RunAsync("run", "hello", "--var", "name=later", "--detach");
        Assert.True(detached.Code == 0, detached.ToString());
        var jobId = Assert.Single(detached.Lines);
        Assert.True(Guid.TryParse(jobId, out _), jobId);

        var watched = await server.RunAsync("jobs", "watch", jobId);
        Assert.True(watched.Code == 0, watched.ToString());
        Assert.Equal("Hello, later!", watched.Lines[^1]);

        var resumed = await server.RunAsync("jobs", "watch", jobId, "--after", "3", "-o", "json");
        Assert.True(resumed.Code == 0, resumed.ToString());
        var sequences = resumed.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetString()).ToList();
        Assert.Equal("4", sequences[0]);
        Assert.Equal("job_succeeded", JsonDocument.Parse(resumed.Lines[^1]).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Run_VarsFile_AndJsonVars_ReachTheJob()
    {
        var file = Path.Combine(Path.GetTempPath(), $"wf-vars-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"name": "from file"}""");
        try
        {
            var fromFile = await server.RunAsync("run", "hello", "--vars-file", file);
            Assert.True(fromFile.Code == 0, fromFile.ToString());
            Assert.Equal("Hello, from file!", fromFile.Lines[^1]);

            var overridden = await server.RunAsync("run", "hello", "--vars-file", file, "--var", "name:=\"flag\"");
            Assert.Equal("Hello, flag!", overridden.Lines[^1]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_InTerminal_ShowsLiveColouredProgressAndStreamedText()
    {
        var result = await CliProcess.RunInTerminalAsync(server.Environment(), "run", "chat");

        Assert.True(result.Code == 0, result.ToString());
        var screen = result.Output;
        Assert.Contains("\u001b[", screen, StringComparison.Ordinal);              // ANSI styling: a terminal, not a pipe
        Assert.Contains("▶", screen, StringComparison.Ordinal);                    // a block started …
        Assert.Contains("✓", screen, StringComparison.Ordinal);                    // … and finished
        Assert.Contains("job succeeded", screen, StringComparison.Ordinal);
        Assert.Contains("Hello from the model", screen, StringComparison.Ordinal);
        Assert.True(screen.IndexOf("answer", StringComparison.Ordinal) < screen.IndexOf("Hello", StringComparison.Ordinal), screen);
        Assert.Contains("\u001b[38;", screen, StringComparison.Ordinal);           // coloured
    }

    [Fact]
    public async Task Run_InTerminalWithNoColor_HasNoColours()
    {
        var environment = server.Environment();
        environment["NO_COLOR"] = "1";

        var result = await CliProcess.RunInTerminalAsync(environment, "run", "hello", "--var", "name=grey");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("✓", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[38;", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[3", result.Output.Replace("\u001b[38", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Hello, grey!", result.Output, StringComparison.Ordinal);
    }
}
