using System.Diagnostics;
using Bench.Shared;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;

namespace Bench.Load;

/// <summary>
/// Starts <c>jobs</c> jobs of the bench app's <c>watch</c> workflow (a setup delay, then an event every 100 ms or
/// so), opens <c>per-job</c> WatchJob streams on each, and once every stream has its first event measures, for
/// each later event and every watcher, the time from the event's <c>time</c> (when the server wrote it) to its
/// arrival. Each stream counts the events written after its first message arrived (so stored events replayed at
/// subscription are left out even when connecting 10,000 streams outlasts the setup delay).
/// </summary>
internal static class WatchFanOut
{
    private static readonly HashSet<string> Terminal = ["job_succeeded", "job_failed", "job_cancelled"];

    public static async Task<Dictionary<string, object?>> RunAsync(Options options)
    {
        var url = options.String("url");
        var headers = new Metadata { { "authorization", "Bearer " + options.String("token") } };
        var jobCount = options.Int("jobs", 100);
        var perJob = options.Int("per-job", 100);
        var serverPid = options.Int("server-pid", 0);
        var channels = Channels.Create(url, options.Int("channels", 20));
        var timeout = TimeSpan.FromSeconds(options.Double("timeout", 90));
        var watchers = jobCount * perJob;
        using var cts = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();

        var client = new WorkflowService.WorkflowServiceClient(channels[0]);
        var request = new RunRequest
        {
            AppId = "bench",
            Workflow = "watch",
            Variables = new Struct { Fields = { ["setup"] = Value.ForString(options.String("setup", "3s")) } },
            Wait = Duration.FromTimeSpan(TimeSpan.Zero),
        };
        var jobIds = await Task.WhenAll(Enumerable.Range(0, jobCount).Select(async _ =>
            (await client.RunAsync(request, headers, cancellationToken: cts.Token)).Job.Id));
        var started = clock.Elapsed;

        // Every live sample as (written, latency); split once the moment the last stream connected is known.
        var samples = new List<(long Written, long Us)>[watchers];
        using var ready = new CountdownEvent(watchers);
        long completed = 0, failed = 0;
        string? firstError = null;
        var tasks = new Task[watchers];
        for (var i = 0; i < watchers; i++)
        {
            var jobId = jobIds[i / perJob];
            var watchClient = new WorkflowService.WorkflowServiceClient(channels[i % channels.Length]);
            var mine = samples[i] = new List<(long Written, long Us)>(32);
            tasks[i] = Task.Run(async () =>
            {
                var first = true;
                var live = long.MaxValue;
                try
                {
                    using var call = watchClient.WatchJob(new WatchJobRequest { JobId = jobId }, headers, cancellationToken: cts.Token);
                    await foreach (var response in call.ResponseStream.ReadAllAsync(cts.Token))
                    {
                        var arrived = DateTime.UtcNow.Ticks;
                        if (first)
                        {
                            first = false;
                            live = arrived;
                            ready.Signal();
                        }

                        // Live events only: written after this stream was open (its first message had arrived); the
                        // stored events replayed at subscription do not count.
                        var written = response.Event.Time.ToDateTime().Ticks;
                        if (written > live)
                        {
                            mine.Add((written, (arrived - written) / 10));
                        }

                        if (Terminal.Contains(response.Event.Type))
                        {
                            Interlocked.Increment(ref completed);
                            break;
                        }
                    }
                }
                catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                    if (first)
                    {
                        ready.Signal();
                    }
                }
            });
        }

        var allReady = await Task.Run(() => ready.Wait(timeout));
        var allConnectedAt = DateTime.UtcNow.Ticks;
        var connected = clock.Elapsed - started;
        var serverCpu0 = ProcStats.CpuSeconds(serverPid);
        var selfCpu0 = ProcStats.CpuSeconds(Environment.ProcessId);
        var rssWithWatchers = ProcStats.RssMiB(serverPid);
        var threads = ProcStats.Threads(serverPid);
        Console.Error.WriteLine($"watch: {watchers} watchers on {jobCount} jobs connected in {connected.TotalSeconds:0.00} s, server RSS {rssWithWatchers:0} MiB");

        await Task.WhenAll(tasks);
        var measured = clock.Elapsed - started - connected;
        // The fan-out proper: events written once every stream was open. Events written while streams were still
        // connecting (each new stream replays the job's stored events) are reported apart: they measure the connect storm.
        var histogram = new LatencyHistogram();
        var duringConnect = new LatencyHistogram();
        foreach (var (written, us) in samples.SelectMany(list => list))
        {
            (written > allConnectedAt ? histogram : duringConnect).Record(us);
        }

        return new Dictionary<string, object?>
        {
            ["watchers"] = watchers,
            ["jobs"] = jobCount,
            ["all_connected"] = allReady,
            ["connect_s"] = connected.TotalSeconds,
            ["seconds"] = measured.TotalSeconds,
            ["samples"] = histogram.Count,
            ["events_per_s"] = histogram.Count / measured.TotalSeconds,
            ["p50_us"] = histogram.Percentile(50),
            ["p99_us"] = histogram.Percentile(99),
            ["connect_samples"] = duringConnect.Count,
            ["connect_p99_us"] = duringConnect.Count > 0 ? duringConnect.Percentile(99) : null,
            ["completed"] = completed,
            ["errors"] = failed,
            ["first_error"] = firstError,
            ["server_cpu_s"] = ProcStats.CpuSeconds(serverPid) - serverCpu0,
            ["load_cpu_s"] = ProcStats.CpuSeconds(Environment.ProcessId) - selfCpu0,
            ["server_rss_mib"] = rssWithWatchers,
            ["server_peak_rss_mib"] = ProcStats.PeakRssMiB(serverPid),
            ["server_threads"] = threads,
        };
    }
}
