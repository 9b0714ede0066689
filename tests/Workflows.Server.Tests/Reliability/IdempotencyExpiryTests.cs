using Microsoft.Extensions.Time.Testing;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Reliability;

/// <summary>
/// An idempotency key expires after <c>Workflows:Jobs:IdempotencyKeyTtl</c>: a server of its own whose clock the test
/// moves past the key's lifetime, after which the key starts a new job (even for a different request).
/// </summary>
public sealed class IdempotencyExpiryTests
{
    [Fact]
    public async Task Run_KeyExpired_StartsNewJobAndKeepsTheOldOne()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await InProcessServer.StartAsync(
            new Dictionary<string, string?> { ["Workflows:Jobs:IdempotencyKeyTtl"] = "01:00:00" }, clock);
        var auth = InProcessServer.Bearer(server.Token("default"));
        RunRequest Run(string topic) => new() { AppId = "blog", Variables = JobHelpers.Vars(("topic", topic)), IdempotencyKey = "expiring" };

        var first = await server.Grpc().RunAsync(Run("first"), auth, JobHelpers.Deadline());
        clock.Advance(TimeSpan.FromMinutes(59));
        var withinLifetime = await server.Grpc().RunAsync(Run("first"), auth, JobHelpers.Deadline());
        clock.Advance(TimeSpan.FromMinutes(2));
        var afterExpiry = await server.Grpc().RunAsync(Run("second"), auth, JobHelpers.Deadline());
        var retryOfNew = await server.Grpc().RunAsync(Run("second"), auth, JobHelpers.Deadline());

        Assert.Equal(first.Job.Id, withinLifetime.Job.Id);
        Assert.NotEqual(first.Job.Id, afterExpiry.Job.Id);
        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: SECOND", afterExpiry.Result.StringValue);
        Assert.Equal(afterExpiry.Job.Id, retryOfNew.Job.Id);
        var old = await server.Grpc().GetJobAsync(new GetJobRequest { JobId = first.Job.Id }, auth, JobHelpers.Deadline());
        Assert.Equal(JobState.Succeeded, old.Job.State);
    }
}
