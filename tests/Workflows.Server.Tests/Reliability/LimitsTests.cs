using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Reliability;

/// <summary>
/// Per-organisation limits on servers of their own with small settings: the request rate (429 / RESOURCE_EXHAUSTED
/// with a retry hint, other organisations and health unaffected) and the number of jobs running at once.
/// </summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task RequestRate_Exceeded_429WithRetryAfterAndOtherOrganisationUnaffected()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Workflows:Limits:RequestsPerSecond"] = "1",
            ["Workflows:Limits:Burst"] = "3",
        });
        using var client = server.Rest(server.Token("default"));
        using var acme = server.Rest(server.Token("acme"));

        var answers = new List<KeyedResponse>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await client.GetWithHeadersAsync("/v1/load"));
        }

        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var refused = answers.FirstOrDefault(a => a.Status == HttpStatusCode.TooManyRequests);
        Assert.True(refused is not null, string.Join(", ", answers.Select(a => (int)a.Status)));
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.ToString());
        Assert.Equal((int)StatusCode.ResourceExhausted, refused.Json["code"]!.GetValue<int>());
        Assert.Contains("requests per second", refused.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("retry after", refused.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await acme.GetWithHeadersAsync("/v1/load")).Status);
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.RestUrl) };
        for (var i = 0; i < 5; i++)
        {
            using var health = await anonymous.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    [Fact]
    public async Task RequestRate_ExceededOverGrpc_ResourceExhaustedWithRetryAfterTrailer()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Workflows:Limits:RequestsPerSecond"] = "1",
            ["Workflows:Limits:Burst"] = "2",
        });
        var auth = InProcessServer.Bearer(server.Token("default"));

        RpcException? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            try
            {
                await server.Grpc().LoadAsync(new LoadRequest(), auth, JobHelpers.Deadline());
            }
            catch (RpcException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("retry after", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(int.Parse(refused.Trailers.GetValue("retry-after")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var acme = await server.Grpc().LoadAsync(new LoadRequest(), InProcessServer.Bearer(server.Token("acme")), JobHelpers.Deadline());
        Assert.Equal("acme", acme.Organization.Id);
    }

    [Fact]
    public async Task ConcurrentJobs_OverLimit_RefusedUntilOneFinishes_ChildrenExempt()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Workflows:Limits:MaxConcurrentJobs"] = "2",
        });
        var token = server.Token("default");
        var auth = InProcessServer.Bearer(token);
        var (gate1, gate2, gate3) = (NewGate(), NewGate(), NewGate());
        await StartGatedAsync(server, auth, "gated", "main", gate1);
        await StartGatedAsync(server, auth, "gated", "main", gate2);

        var refused = await JobHelpers.ThrowsStatusAsync(
            StatusCode.ResourceExhausted,
            () => server.Grpc().RunAsync(GatedRun("gated", "main", "never"), auth, JobHelpers.Deadline()).ResponseAsync);
        Assert.Contains("2 jobs", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("retry after 5 s", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("5", refused.Trailers.GetValue("retry-after"));
        using var client = server.Rest(token);
        var overRest = await client.PostWithKeyAsync("/v1/runs", new JsonObject { ["appId"] = "blog", ["variables"] = new JsonObject { ["topic"] = "x" } }, null);
        Assert.Equal(HttpStatusCode.TooManyRequests, overRest.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), overRest.Headers.RetryAfter?.Delta);
        Assert.Equal((int)StatusCode.ResourceExhausted, overRest.Json["code"]!.GetValue<int>());

        // Another organisation has its own count.
        var acmeApp = new PutAppRequest { AppId = "acme-limits" };
        acmeApp.Workflows["main"] = "name: Echo\nblocks:\n  - id: out\n    type: output\n    value: acme\n";
        var acmeAuth = InProcessServer.Bearer(server.Token("acme"));
        await server.Grpc().PutAppAsync(acmeApp, acmeAuth, JobHelpers.Deadline());
        Assert.Equal(JobState.Succeeded, (await server.Grpc().RunAsync(new RunRequest { AppId = "acme-limits" }, acmeAuth, JobHelpers.Deadline())).Job.State);

        // One finishes: a start fits again. It is a parent whose child runs as a third job: children are never refused.
        GateBlock.Open(gate1);
        var parent = await RunWhenAllowedAsync(server, auth, GatedRun("family", "waits", gate3));
        await GateBlock.Reached(gate3).WaitAsync(JobHelpers.Timeout);
        await JobHelpers.ThrowsStatusAsync(
            StatusCode.ResourceExhausted,
            () => server.Grpc().RunAsync(GatedRun("gated", "main", "never"), auth, JobHelpers.Deadline()).ResponseAsync);

        GateBlock.Open(gate2);
        GateBlock.Open(gate3);
        Assert.Equal(JobState.Succeeded, await WaitForEndAsync(server, auth, parent.Job.Id));
    }

    private static string NewGate() => Guid.NewGuid().ToString("N");

    private static RunRequest GatedRun(string app, string workflow, string gate) => new()
    {
        AppId = app,
        Workflow = workflow,
        Variables = JobHelpers.Vars(("gate", gate)),
        Wait = Duration.FromTimeSpan(TimeSpan.Zero),
    };

    private static async Task<RunResponse> StartGatedAsync(InProcessServer server, Metadata auth, string app, string workflow, string gate)
    {
        var response = await server.Grpc().RunAsync(GatedRun(app, workflow, gate), auth, JobHelpers.Deadline());
        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
        return response;
    }

    private static async Task<JobState> WaitForEndAsync(InProcessServer server, Metadata auth, string jobId)
    {
        using var call = server.Grpc().WatchJob(new WatchJobRequest { JobId = jobId }, auth, JobHelpers.Deadline());
        await foreach (var _ in call.ResponseStream.ReadAllAsync())
        {
        }

        return (await server.Grpc().GetJobAsync(new GetJobRequest { JobId = jobId }, auth, JobHelpers.Deadline())).Job.State;
    }

    // A slot frees when the runner lets go of the finished job, a moment after its terminal event: poll with a deadline.
    private static async Task<RunResponse> RunWhenAllowedAsync(InProcessServer server, Metadata auth, RunRequest request)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await server.Grpc().RunAsync(request, auth, JobHelpers.Deadline());
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && clock.Elapsed < JobHelpers.Timeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        }
    }
}
