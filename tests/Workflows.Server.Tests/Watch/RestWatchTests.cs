using System.Net;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Watch;

[Collection(ServerCollection.Name)]
public sealed class RestWatchTests(ServerFixture fixture)
{
    /// <summary>Reads the whole newline-delimited JSON stream, one object per non-empty line.</summary>
    private async Task<List<JsonObject>> ReadNdjsonAsync(string path)
    {
        using var client = fixture.Rest(fixture.ExecToken);
        client.Timeout = JobHelpers.Timeout;
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<JsonObject>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(JsonAssert.HasExactly(JsonNode.Parse(line), "event"));
            }
        }

        return lines;
    }

    private static void AssertGapless(List<JsonObject> lines, long first)
    {
        var events = lines.Select(l => l["event"]!.AsObject()).ToList();
        // Sequence is an int64: proto JSON writes it as a string.
        Assert.Equal(
            Enumerable.Range(0, events.Count).Select(i => first + i),
            events.Select(e => long.Parse(e["sequence"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("job_succeeded", events[^1]["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task WatchJob_RestAfterSequence_NdjsonGaplessToTerminal()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken);

        var lines = await ReadNdjsonAsync($"/v1/jobs/{run.Job.Id}:watch?afterSequence=2");

        AssertGapless(lines, 3);
        Assert.Equal(run.Sequence - 2, lines.Count);
        Assert.All(lines, l => Assert.Equal(run.Job.Id, l["event"]!["jobId"]!.GetValue<string>()));
        Assert.Equal(run.Result.StringValue, lines[^1]["event"]!["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task WatchJob_RestLiveJob_StreamsUntilTerminal()
    {
        var gate = Guid.NewGuid().ToString("N");
        var started = await fixture.StartGatedAsync(fixture.ExecToken, gate);

        var reading = ReadNdjsonAsync($"/v1/jobs/{started.Job.Id}:watch?afterSequence=0");
        // The stream cannot end before the gate opens: the terminal event does not exist yet.
        Assert.False(reading.IsCompleted);
        GateBlock.Open(gate);
        var lines = await reading;

        AssertGapless(lines, 1);
    }

    [Fact]
    public async Task WatchJob_RestUnknownJob_NotFoundWithCodeAndMessage()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.GetJsonAsync($"/v1/jobs/{Guid.NewGuid()}:watch");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        JsonAssert.IsError(response, "not found");
    }
}
