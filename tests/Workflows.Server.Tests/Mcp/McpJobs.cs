using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Mcp;

/// <summary>Finds the job an MCP call started (the protocol never names it) by the gate variable the test chose.</summary>
internal static class McpJobs
{
    /// <summary>The <c>gated</c> job of organisation <c>default</c> waiting on <paramref name="gate"/>.</summary>
    public static async Task<JobRecord> GatedJobAsync(ServerFixture server, string gate)
    {
        var jobs = server.Services.GetRequiredService<JobService>();
        var page = await jobs.ListAsync(new JobQuery("default", 100, null) { AppIds = ["gated"] }, CancellationToken.None);
        return Assert.Single(page.Jobs, j => j.Variables["gate"]?.GetValue<string>() == gate);
    }

    /// <summary>Waits (polling the store, with a deadline) until the job reaches a terminal state, and returns it.</summary>
    public static async Task<JobRecord> WaitForEndAsync(ServerFixture server, Guid jobId)
    {
        var jobs = server.Services.GetRequiredService<JobService>();
        var deadline = JobHelpers.Deadline();
        while (true)
        {
            var job = await jobs.GetAsync("default", jobId, CancellationToken.None);
            if (job.State.IsTerminal() || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(20);
        }
    }
}
