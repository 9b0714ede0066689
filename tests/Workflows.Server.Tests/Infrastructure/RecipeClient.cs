using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>What a dialect 2 client does: exec, poll <c>/jobs</c> until the job settles, read <c>/results</c>.</summary>
public static class RecipeClient
{
    /// <summary>POSTs <c>/exec</c> and returns the new job id, asserting the exact response shape.</summary>
    public static async Task<string> ExecAsync(this HttpClient client, string recipe, JsonObject? args = null)
    {
        var response = await client.PostJsonAsync("/api/v1/workflow/exec", new JsonObject { ["workflow"] = recipe, ["args"] = args ?? new JsonObject() });
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        var result = JsonAssert.HasExactly(JsonAssert.HasExactly(response.Json, "result")["result"], "status", "jobId", "sender");
        Assert.Equal("JOB_STARTED", result["status"]!.GetValue<string>());
        Assert.Equal("omni", result["sender"]!.GetValue<string>());
        var jobId = result["jobId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(jobId, out _), jobId);
        return jobId;
    }

    /// <summary>The job's state as <c>/jobs</c> lists it, or null when it is not listed.</summary>
    public static async Task<string?> ListedStateAsync(this HttpClient client, string jobId)
    {
        var response = await client.GetJsonAsync("/api/v1/workflow/jobs");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var job = JsonAssert.HasExactly(response.Json, "jobs")["jobs"]!.AsArray().FirstOrDefault(j => j!["id"]!.GetValue<string>() == jobId);
        return job?["state"]?.GetValue<string>();
    }

    /// <summary>Polls <c>/jobs</c>, with a deadline, until the job is no longer <c>ready</c> or <c>running</c>.</summary>
    public static async Task<string> PollUntilSettledAsync(this HttpClient client, string jobId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var state = await client.ListedStateAsync(jobId);
            Assert.NotNull(state);
            if (state is not ("ready" or "running"))
            {
                return state;
            }

            Assert.True(clock.Elapsed < JobHelpers.Timeout, $"job {jobId} still {state} after {clock.Elapsed}");
            await Task.Delay(TimeSpan.FromMilliseconds(20)); // poll interval, as a recipe client polls
        }
    }

    public static Task<RestResponse> ResultsAsync(this HttpClient client, string jobId) =>
        client.GetJsonAsync("/api/v1/workflow/results?jobId=" + Uri.EscapeDataString(jobId));
}
