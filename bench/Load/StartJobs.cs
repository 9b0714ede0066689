using System.Diagnostics;
using Bench.Shared;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;

namespace Bench.Load;

/// <summary>
/// Starts <c>count</c> jobs of one workflow as fast as the API takes them: <c>concurrency</c> callers in closed loops of
/// <c>Run</c> with <c>wait</c> zero (answers once the job is stored). Then polls <c>ListJobs</c> until no job is queued or
/// running, i.e. every job has reached its wait (or finished), and reads the server's RSS at that moment. The job ids go
/// to <c>--ids FILE</c>, one a line, for <see cref="WakeLateness"/>.
/// </summary>
internal static class StartJobs
{
    public static async Task<Dictionary<string, object?>> RunAsync(Options options)
    {
        var url = options.String("url");
        var headers = new Metadata { { "authorization", "Bearer " + options.String("token") } };
        var count = options.Int("count", 1000);
        var concurrency = options.Int("concurrency", 64);
        var serverPid = options.Int("server-pid", 0);
        var idsFile = options.String("ids", "");
        var timeout = TimeSpan.FromSeconds(options.Double("timeout", 600));
        using var cts = new CancellationTokenSource(timeout);
        var channels = Channels.Create(url, Math.Clamp(concurrency / 8, 2, 8));
        var request = new RunRequest
        {
            AppId = "bench",
            Workflow = options.String("workflow"),
            Wait = Duration.FromTimeSpan(TimeSpan.Zero),
        };
        foreach (var pair in options.String("vars", "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            request.Variables ??= new Struct();
            request.Variables.Fields[name] = Value.ForString(value);
        }

        var ids = new string[count];
        var states = new long[System.Enum.GetValues<JobState>().Length];
        var histogram = new LatencyHistogram();
        long next = -1, errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var serverCpu0 = ProcStats.CpuSeconds(serverPid);
        var callers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var client = new WorkflowService.WorkflowServiceClient(channels[i % channels.Length]);
            var local = new LatencyHistogram();
            for (var n = Interlocked.Increment(ref next); n < count; n = Interlocked.Increment(ref next))
            {
                var start = clock.ElapsedTicks;
                try
                {
                    var job = (await client.RunAsync(request, headers, cancellationToken: cts.Token)).Job;
                    ids[n] = job.Id;
                    Interlocked.Increment(ref states[(int)job.State]);
                    local.Record((clock.ElapsedTicks - start) * 1_000_000 / Stopwatch.Frequency);
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }

            lock (histogram)
            {
                histogram.Add(local);
            }
        })).ToArray();
        await Task.WhenAll(callers);
        var started = clock.Elapsed;
        Console.Error.WriteLine($"start: {count - errors} jobs of {request.Workflow} started in {started.TotalSeconds:0.0} s, {errors} errors");

        // Every job has reached its wait (or ended) once none is queued or running.
        var admin = new WorkflowService.WorkflowServiceClient(channels[0]);
        async Task<bool> AnyAsync(JobState state) =>
            (await admin.ListJobsAsync(new ListJobsRequest { PageSize = 1, State = state, AppId = "bench" }, headers, cancellationToken: cts.Token)).Jobs.Count > 0;
        while (await AnyAsync(JobState.Queued) || await AnyAsync(JobState.Running))
        {
            await Task.Delay(100, cts.Token);
        }

        var settled = clock.Elapsed;
        var rss = ProcStats.RssMiB(serverPid);
        var failed = await AnyAsync(JobState.Failed);
        if (idsFile.Length > 0)
        {
            await File.WriteAllLinesAsync(idsFile, ids.Where(id => id is not null), cts.Token);
        }

        return new Dictionary<string, object?>
        {
            ["started"] = count - errors,
            ["start_s"] = started.TotalSeconds,
            ["starts_per_s"] = (count - errors) / started.TotalSeconds,
            ["start_p50_us"] = histogram.Percentile(50),
            ["start_p99_us"] = histogram.Percentile(99),
            ["settled_s"] = settled.TotalSeconds,
            ["answered_waiting"] = states[(int)JobState.Waiting],
            ["answered_queued_or_running"] = states[(int)JobState.Queued] + states[(int)JobState.Running],
            ["any_failed"] = failed,
            ["errors"] = errors,
            ["first_error"] = firstError,
            ["server_cpu_s"] = ProcStats.CpuSeconds(serverPid) - serverCpu0,
            ["server_rss_mib"] = rss,
            ["server_peak_rss_mib"] = ProcStats.PeakRssMiB(serverPid),
        };
    }
}
