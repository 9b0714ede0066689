using System.Diagnostics;
using System.Globalization;
using Bench.Shared;
using Grpc.Core;
using Workflows.Contracts.V1;

namespace Bench.Load;

/// <summary>
/// For timer jobs started by <see cref="StartJobs"/> with one due time (<c>--due</c>, ISO 8601): waits until none is
/// waiting, queued or running, then reads each job's events (<c>WatchJob</c> from the start, <c>concurrency</c> at a
/// time) and records its lateness: the <c>job_resumed</c> event's time (set by the server as it wrote the event) minus
/// the due time. Also the spread of the wake-ups: first and last <c>job_resumed</c> after the due time.
/// </summary>
internal static class WakeLateness
{
    public static async Task<Dictionary<string, object?>> RunAsync(Options options)
    {
        var url = options.String("url");
        var headers = new Metadata { { "authorization", "Bearer " + options.String("token") } };
        var ids = await File.ReadAllLinesAsync(options.String("ids"));
        var due = DateTimeOffset.Parse(options.String("due"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks;
        var concurrency = options.Int("concurrency", 32);
        var serverPid = options.Int("server-pid", 0);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(options.Double("timeout", 600)));
        var channels = Channels.Create(url, 4);
        var admin = new WorkflowService.WorkflowServiceClient(channels[0]);
        async Task<bool> AnyAsync(JobState state) =>
            (await admin.ListJobsAsync(new ListJobsRequest { PageSize = 1, State = state, AppId = "bench" }, headers, cancellationToken: cts.Token)).Jobs.Count > 0;

        var clock = Stopwatch.StartNew();
        while (await AnyAsync(JobState.Waiting) || await AnyAsync(JobState.Queued) || await AnyAsync(JobState.Running))
        {
            await Task.Delay(200, cts.Token);
        }

        var drained = DateTimeOffset.UtcNow.UtcTicks;
        var peakRss = ProcStats.PeakRssMiB(serverPid);
        var histogram = new LatencyHistogram();
        long next = -1, early = 0, missing = 0, errors = 0, succeeded = 0, lastResumed = long.MinValue, firstResumed = long.MaxValue;
        string? firstError = null;
        var readers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var client = new WorkflowService.WorkflowServiceClient(channels[i % channels.Length]);
            for (var n = Interlocked.Increment(ref next); n < ids.Length; n = Interlocked.Increment(ref next))
            {
                try
                {
                    long? resumed = null;
                    using var call = client.WatchJob(new WatchJobRequest { JobId = ids[n] }, headers, cancellationToken: cts.Token);
                    await foreach (var response in call.ResponseStream.ReadAllAsync(cts.Token))
                    {
                        var type = response.Event.Type;
                        if (type == "job_resumed")
                        {
                            resumed ??= response.Event.Time.ToDateTime().Ticks;
                        }
                        else if (type is "job_succeeded" or "job_failed" or "job_cancelled")
                        {
                            if (type == "job_succeeded")
                            {
                                Interlocked.Increment(ref succeeded);
                            }

                            break;
                        }
                    }

                    if (resumed is not { } t)
                    {
                        Interlocked.Increment(ref missing);
                        continue;
                    }

                    if (t < due)
                    {
                        Interlocked.Increment(ref early);
                    }

                    histogram.Record((t - due) / 10);
                    InterlockedMax(ref lastResumed, t);
                    InterlockedMin(ref firstResumed, t);
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        })).ToArray();
        await Task.WhenAll(readers);
        Console.Error.WriteLine($"lateness: {histogram.Count} of {ids.Length} timers read in {clock.Elapsed.TotalSeconds:0.0} s");

        return new Dictionary<string, object?>
        {
            ["timers"] = ids.Length,
            ["samples"] = histogram.Count,
            ["succeeded"] = succeeded,
            ["p50_us"] = histogram.Percentile(50),
            ["p99_us"] = histogram.Percentile(99),
            ["max_us"] = histogram.Percentile(100),
            ["first_us"] = histogram.Count > 0 ? (firstResumed - due) / 10 : double.NaN,
            ["drained_after_due_s"] = (drained - due) / 1e7,
            ["early"] = early,
            ["missing"] = missing,
            ["errors"] = errors,
            ["first_error"] = firstError,
            ["server_peak_rss_mib"] = peakRss,
        };
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    private static void InterlockedMin(ref long target, long value)
    {
        for (var seen = Volatile.Read(ref target); value < seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
