using System.Diagnostics;
using Bench.Echo;
using Bench.Shared;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Workflows.Contracts.V1;

namespace Bench.Load;

/// <summary>
/// N callers in closed loops over a few channels: a warm-up, then a measured window. Calls that end inside the window
/// count (as wrk counts them), and their latencies go to a histogram.
/// </summary>
internal static class UnaryLoad
{
    public static async Task<Dictionary<string, object?>> RunAsync(Options options)
    {
        var target = options.String("target");
        var url = options.String("url");
        var token = options.String("token", "");
        var concurrency = options.Int("concurrency", 64);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 2));
        var window = TimeSpan.FromSeconds(options.Double("seconds", 5));
        // Several nodes: comma-separated URLs share the channels round-robin; the CPU, bytes and RSS of every
        // comma-separated server PID are summed.
        var serverPids = options.String("server-pid", "0").Split(',').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var urls = url.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var channels = Channels.Create(urls, Math.Max(urls.Length, options.Int("channels", Math.Clamp(concurrency / 8, 2, 8))));
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        var call = CreateCall(target, headers);

        var clock = Stopwatch.StartNew();
        long windowStart = long.MaxValue, windowEnd = long.MaxValue;
        var stop = false;
        var histograms = new LatencyHistogram[concurrency];
        var errors = new long[concurrency];
        string? firstError = null;
        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var histogram = histograms[i] = new LatencyHistogram();
            var channel = channels[i % channels.Length];
            while (!Volatile.Read(ref stop))
            {
                var start = clock.ElapsedTicks;
                try
                {
                    await call(channel);
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException)
                {
                    Interlocked.Increment(ref errors[i]);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                    continue;
                }

                var end = clock.ElapsedTicks;
                if (end >= Volatile.Read(ref windowStart) && end <= Volatile.Read(ref windowEnd))
                {
                    histogram.Record((end - start) * 1_000_000 / Stopwatch.Frequency);
                }
            }
        })).ToArray();

        await Task.Delay(warmup);
        // --settle-url: warm up further, until the server's JIT has settled (at most --max-warmup seconds in all).
        using var settle = options.String("settle-url", "") is { Length: > 0 } settleUrl
            ? new JitSettle(settleUrl, options.Double("max-warmup", JitSettle.MaxWarmupSeconds), options.Double("max-jit-share", JitSettle.MaxShare))
            : null;
        var jit0 = 0.0;
        if (settle is not null)
        {
            await settle.WaitAsync(() => Task.Delay(TimeSpan.FromSeconds(4)), serverPids, clock);
            jit0 = await settle.JitSecondsAsync();
        }

        var warmedUp = clock.Elapsed;
        var serverCpu0 = serverPids.Sum(ProcStats.CpuSeconds);
        var selfCpu0 = ProcStats.CpuSeconds(Environment.ProcessId);
        var written0 = serverPids.Sum(ProcStats.WrittenBytes);
        Volatile.Write(ref windowStart, clock.ElapsedTicks);
        await Task.Delay(window);
        var measuredEnd = clock.ElapsedTicks;
        Volatile.Write(ref windowEnd, measuredEnd);
        var serverCpu1 = serverPids.Sum(ProcStats.CpuSeconds);
        var selfCpu1 = ProcStats.CpuSeconds(Environment.ProcessId);
        var written1 = serverPids.Sum(ProcStats.WrittenBytes);
        var rss = serverPids.Sum(ProcStats.RssMiB);
        var jit1 = settle is null ? 0 : await settle.JitSecondsAsync();
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);

        var all = new LatencyHistogram();
        foreach (var h in histograms)
        {
            all.Add(h);
        }

        var seconds = (double)(measuredEnd - windowStart) / Stopwatch.Frequency;
        return new Dictionary<string, object?>
        {
            ["requests"] = all.Count,
            ["seconds"] = seconds,
            ["rps"] = all.Count / seconds,
            ["p50_us"] = all.Percentile(50),
            ["p99_us"] = all.Percentile(99),
            ["errors"] = errors.Sum(),
            ["first_error"] = firstError,
            ["server_cpu_s"] = serverCpu1 - serverCpu0,
            ["load_cpu_s"] = selfCpu1 - selfCpu0,
            ["server_written_bytes"] = written1 - written0,
            ["server_rss_mib"] = rss,
            ["warmup_s"] = warmedUp.TotalSeconds,
            ["server_jit_s"] = settle is null ? null : jit1 - jit0,
        };
    }

    private static Func<GrpcChannel, Task> CreateCall(string target, Metadata headers)
    {
        switch (target)
        {
            case "grpc-echo":
                var echo = new EchoRequest { Message = "otters" };
                return async channel => await new EchoService.EchoServiceClient(channel).EchoAsync(echo, headers);
            case "grpc-run":
                var run = new RunRequest
                {
                    AppId = "bench",
                    Variables = new Struct { Fields = { ["topic"] = Value.ForString("otters") } },
                };
                return async channel =>
                {
                    var response = await new WorkflowService.WorkflowServiceClient(channel).RunAsync(run, headers);
                    if (response.Job.State != JobState.Succeeded)
                    {
                        throw new InvalidOperationException($"job {response.Job.Id} ended {response.Job.State}: {response.Job.Error}");
                    }
                };
            case "grpc-storm":
                // The storm scenario's load: sync Run of bench/storm, one CPU-bound script per job.
                var storm = new RunRequest { AppId = "bench", Workflow = "storm" };
                return async channel =>
                {
                    var response = await new WorkflowService.WorkflowServiceClient(channel).RunAsync(storm, headers);
                    if (response.Job.State != JobState.Succeeded)
                    {
                        throw new InvalidOperationException($"job {response.Job.Id} ended {response.Job.State}: {response.Job.Error}");
                    }
                };
            default:
                throw new ArgumentException($"unknown target '{target}'");
        }
    }
}
