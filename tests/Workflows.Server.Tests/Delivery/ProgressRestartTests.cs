using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Delivery;

/// <summary>A job resumed after a restart keeps sending its progress: forwarding starts again with the recovery.</summary>
public sealed class ProgressRestartTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-progress-" + Guid.NewGuid().ToString("N"));
    private CallbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await CallbackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown; the temp dir is cleaned by the OS.
        }
    }

    private ServerFixture NewServer() => ServerFixture.WithSettings(new Dictionary<string, string?> { ["Workflows:DataDir"] = _dataDir });

    private static List<JsonNode> Events(ReceivedCallback post) => [.. JsonNode.Parse(post.Body)!["events"]!.AsArray().Select(e => e!)];

    [Fact]
    public async Task ProgressUrl_ServerRestartsWhileJobRuns_ResumedJobsEventsPostedToTheEnd()
    {
        var path = "/restart/" + Guid.NewGuid().ToString("N");
        var gate = Guid.NewGuid().ToString("N");
        string jobId;
        var first = NewServer();
        await first.InitializeAsync();
        try
        {
            var run = await first.Grpc().RunAsync(
                new RunRequest
                {
                    AppId = "gated",
                    Variables = JobHelpers.Vars(("gate", gate)),
                    ProgressUrl = _receiver.Url + path,
                    Wait = Duration.FromTimeSpan(TimeSpan.Zero),
                },
                ServerFixture.Bearer(first.AdminToken),
                JobHelpers.Deadline());
            jobId = run.Job.Id;
            await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
            while (!Events(await _receiver.NextAsync(path, JobHelpers.Timeout)).Any(e => (string?)e["type"] == "block_started" && (string?)e["blockId"] == "wait"))
            {
            }
        }
        finally
        {
            await first.DisposeAsync();
        }

        GateBlock.Open(gate);
        var second = NewServer();
        await second.InitializeAsync();
        try
        {
            var after = new List<JsonNode>();
            while (!after.Any(e => (string?)e["type"] == "job_succeeded"))
            {
                var post = await _receiver.NextAsync(path, JobHelpers.Timeout);
                Assert.Equal(jobId, (string?)JsonNode.Parse(post.Body)!["jobId"]);
                WebhookAssert.Signed(second, post, "default");
                after.AddRange(Events(post));
            }

            // Forwarding starts over with the resumed job: its whole log, in order, up to the end.
            var sequences = after.Select(e => long.Parse(e["sequence"]!.ToString(), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
            Assert.Contains(after, e => (string?)e["text"] == "job resumed after a restart");
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
