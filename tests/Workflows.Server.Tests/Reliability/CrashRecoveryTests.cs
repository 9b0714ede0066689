using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Workflows.Server.Tests.Reliability;

/// <summary>
/// The acceptance test for durability: the real server runs as its own process, 100 jobs wait in a durable
/// <c>delay</c>, the process is killed with SIGKILL, and a new process on the same data dir must finish every one of
/// them without losing, repeating or renumbering anything.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Jobs = 100;
    private const string AppId = "crashy";
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(120);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "wf-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task KillDashNine_HundredJobsInDelay_AllResumeAndSucceedWithoutRepeats()
    {
        using var limit = new CancellationTokenSource(TestLimit);
        var cancel = limit.Token;
        var key = RandomNumberGenerator.GetBytes(32);
        var settings = CreateDataDir(key);
        var auth = ServerFixture.Bearer(
            new TokenIssuer(key, TimeProvider.System).Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token);
        var work = Path.Combine(_root, "work");

        ServerProcess? first = null;
        ServerProcess? second = null;
        try
        {
            // 1. A server with 100 jobs, each waiting in its delay.
            first = ServerProcess.Start(work, settings);
            await first.WaitUntilReadyAsync(cancel);
            var ids = await Task.WhenAll(Enumerable.Range(0, Jobs).Select(async n =>
            {
                var run = await first.Client.RunAsync(
                    new RunRequest { AppId = AppId, Variables = JobHelpers.Vars(("n", n.ToString(System.Globalization.CultureInfo.InvariantCulture))), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
                    auth,
                    Deadline(),
                    cancel);
                return run.Job.Id;
            }));
            var beforeKill = await Task.WhenAll(ids.Select(id =>
                WatchAsync(first.Client, auth, id, e => e.Type == "job_waiting" && e.BlockId == "wait", limit)));

            // 2. kill -9.
            var killedAt = DateTimeOffset.UtcNow;
            await first.KillAsync();
            // 128 + 9: the process died of SIGKILL, so no shutdown code of ours ran.
            Assert.Equal(137, first.ExitCode);
            var lastWaitStart = beforeKill.Max(events => events[^1].Time.ToDateTimeOffset());
            output.WriteLine($"killed pid {first.ProcessId} with SIGKILL {(killedAt - lastWaitStart).TotalMilliseconds:0} ms after the last delay started");

            // 3. A new process on the same data dir.
            var launchedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            second = ServerProcess.Start(work, settings);
            await second.WaitUntilReadyAsync(cancel);
            var ready = clock.Elapsed;
            var after = await Task.WhenAll(ids.Select(id => WatchAsync(second.Client, auth, id, e => e.Type is "job_succeeded" or "job_failed" or "job_cancelled", limit)));
            var recovered = clock.Elapsed;
            var jobs = await Task.WhenAll(ids.Select(async id =>
                (await second.Client.GetJobAsync(new GetJobRequest { JobId = id }, auth, Deadline(), cancel)).Job));

            var succeeded = jobs.Count(j => j.State == JobState.Succeeded);
            output.WriteLine($"jobs recovered: {succeeded}/{Jobs}");
            output.WriteLine($"restart to ready (store open, {Jobs} jobs resumed): {ready.TotalMilliseconds:0} ms");
            output.WriteLine($"restart to all {Jobs} jobs finished: {recovered.TotalMilliseconds:0} ms (the delays had {(lastWaitStart + Delay - launchedAt).TotalMilliseconds:0} ms left at the restart)");
            output.WriteLine($"kill to all finished: {(DateTimeOffset.UtcNow - killedAt).TotalMilliseconds:0} ms");
            var resumeTimes = after.SelectMany(events => events.Where(e => e.Type == "job_resumed"))
                .Select(e => (e.Time.ToDateTimeOffset() - launchedAt).TotalMilliseconds).ToList();
            if (resumeTimes.Count > 0)
            {
                output.WriteLine($"jobs resumed {resumeTimes.Min():0}–{resumeTimes.Max():0} ms after the new process was launched");
            }

            // 4. Everything finished, once, in order, and nothing done before the kill was done again.
            for (var n = 0; n < Jobs; n++)
            {
                var job = jobs[n];
                var events = after[n];
                var context = $"job {n} ({job.Id}): {string.Join(", ", events.Select(e => $"{e.Sequence}:{e.Type}:{e.BlockId}"))}";
                Assert.True(job.State == JobState.Succeeded, $"{context} ended {job.State}: {job.Error}");
                Assert.Equal($"JOB {n} DONE", job.Result.StringValue);
                JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
                Assert.Equal(job.LastSequence, events[^1].Sequence);

                // What the first process committed stands unchanged: same numbers, same times.
                Assert.Equal(beforeKill[n], events.Take(beforeKill[n].Count));
                Assert.True(events.Count(e => e.Type == "job_started") == 1, $"{context}: job_started once");
                // It was waiting as data, holding no lease: the new process's waker resumed it, once.
                Assert.True(events.Count(e => e.Type == "job_resumed") == 1, $"{context}: job_resumed once");
                foreach (var block in DurableFlows.DelayThenShoutBlocks)
                {
                    Assert.True(events.Count(e => e.Type == "block_started" && e.BlockId == block) == 1, $"{context}: block_started of {block}");
                    Assert.True(events.Count(e => e.Type == "block_completed" && e.BlockId == block) == 1, $"{context}: block_completed of {block}");
                }

                Assert.DoesNotContain(events, e => e.Type == "block_failed");

                // The delay resumed: it ends at its first start + Delay, or at once if that has passed during the outage.
                // Started over, it would end no earlier than the resume (logged before the executor starts) + Delay.
                var waitStarted = events.Single(e => e.Type == "block_started" && e.BlockId == "wait").Time.ToDateTimeOffset();
                var waitCompleted = events.Single(e => e.Type == "block_completed" && e.BlockId == "wait");
                var resumed = events.Single(e => e.Type == "job_resumed").Time.ToDateTimeOffset();
                Assert.True(waitCompleted.Time.ToDateTimeOffset() < resumed + Delay, $"{context}: the delay started over");
                Assert.True(waitCompleted.Time.ToDateTimeOffset() >= waitStarted + Delay - TimeSpan.FromMilliseconds(5), $"{context}: the delay ended early");
                Assert.True(waitCompleted.Duration.ToTimeSpan() >= Delay - TimeSpan.FromMilliseconds(5), $"{context}: duration {waitCompleted.Duration}");
            }

            Assert.Equal(Jobs, succeeded);
        }
        catch when (second is not null || first is not null)
        {
            output.WriteLine("first server's output:" + Environment.NewLine + first?.RecentOutput);
            output.WriteLine("second server's output:" + Environment.NewLine + second?.RecentOutput);
            throw;
        }
        finally
        {
            first?.Dispose();
            second?.Dispose();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleanup.
        }
    }

    private static DateTime Deadline() => DateTime.UtcNow + TimeSpan.FromSeconds(60);

    // Reads a job's events from the start until one matches; fails when the stream ends first.
    private static async Task<List<JobEvent>> WatchAsync(
        WorkflowService.WorkflowServiceClient client, Metadata auth, string jobId, Func<JobEvent, bool> until, CancellationTokenSource limit)
    {
        using var call = client.WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = 0 }, auth, Deadline(), limit.Token);
        var events = new List<JobEvent>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(limit.Token))
        {
            events.Add(response.Event);
            if (until(response.Event))
            {
                return events;
            }
        }

        throw new InvalidOperationException($"job {jobId} ended before the awaited event: {string.Join(", ", events.Select(e => e.Type))}");
    }

    private Dictionary<string, string> CreateDataDir(byte[] key)
    {
        var apps = Path.Combine(_root, "apps");
        var app = Path.Combine(apps, AppId);
        Directory.CreateDirectory(app);
        Directory.CreateDirectory(Path.Combine(_root, "work"));
        File.WriteAllText(Path.Combine(app, "app.yaml"), $"id: {AppId}\nname: Crashy\ndescription: The crash recovery test's app.\n");
        File.WriteAllText(Path.Combine(app, "main.flow"), DurableFlows.DelayThenShout("Survive a crash", Delay));
        return new Dictionary<string, string>
        {
            ["Workflows:DataDir"] = Path.Combine(_root, "data"),
            ["Workflows:AppsDir"] = apps,
            ["Workflows:Auth:SigningKey"] = Convert.ToBase64String(key),
            // No admission limit: all 100 jobs run at once.
            ["Workflows:Limits:MaxConcurrentJobs"] = "0",
        };
    }
}
