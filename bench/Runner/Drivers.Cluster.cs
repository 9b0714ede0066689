using Bench.Shared;

namespace Bench.Runner;

// The Run scenarios against several nodes at once: one load generator spread over every node.
internal static partial class Drivers
{
    /// <summary>
    /// gRPC unary load with bench/Load over one node or several (it spreads its channels round-robin over their URLs and
    /// sums their /proc figures around its window).
    /// </summary>
    public static async Task<Measurement> GrpcNodesAsync(
        Settings settings, IReadOnlyList<ServerProcess> nodes, string scenario, string target, int concurrency, string token, bool settleJit = false)
    {
        // settleJit: after the warm-up, go on warming until the (first) server's JIT has settled (bench/Shared/JitSettle.cs).
        string[] settle = settleJit
            ? ["--settle-url", nodes[0].MetricsUrl]
            : [];
        var output = await RunAsync(ServerProcess.DotnetHost(),
            [settings.Dll("Load"), "unary", "--target", target, "--url", string.Join(',', nodes.Select(n => n.GrpcUrl)), "--token", token,
             "--concurrency", Invariant(concurrency), "--warmup", Invariant(settings.Warmup), "--seconds", Invariant(settings.Seconds),
             "--server-pid", string.Join(',', nodes.Select(n => Invariant(n.Pid))), .. settle],
            LoadEnvironment, TimeSpan.FromSeconds((settleJit ? JitSettle.MaxWarmupSeconds : settings.Warmup) + settings.Seconds + 120));
        var r = Result(output);
        return new Measurement
        {
            Scenario = scenario,
            Concurrency = concurrency,
            Requests = r["requests"]!.GetValue<long>(),
            Seconds = r["seconds"]!.GetValue<double>(),
            Rps = r["rps"]!.GetValue<double>(),
            P50Us = Number(r["p50_us"]),
            P99Us = Number(r["p99_us"]),
            ServerCpuS = r["server_cpu_s"]!.GetValue<double>(),
            LoadCpuS = r["load_cpu_s"]!.GetValue<double>(),
            ServerWrittenBytes = r["server_written_bytes"]!.GetValue<long>(),
            ServerPeakRssMiB = nodes.Sum(n => ProcStats.PeakRssMiB(n.Pid)),
            ServerIdleRssMiB = nodes.Sum(n => n.IdleRssMiB),
            Errors = r["errors"]!.GetValue<long>(),
            FirstError = r["first_error"]?.GetValue<string>(),
            WarmupS = r["warmup_s"]!.GetValue<double>(),
            ServerJitS = r["server_jit_s"]?.GetValue<double>(),
        };
    }

    /// <summary>
    /// REST load over every node: one wrk per node at the same time, the concurrency split between them. Requests and
    /// rates add up; the percentiles are the worst node's (wrk's histograms cannot be merged from its output); the load
    /// CPU is the largest reading, since each reads the CPU of all wrk children together.
    /// </summary>
    public static async Task<Measurement> WrkNodesAsync(Settings settings, IReadOnlyList<ServerProcess> nodes, string scenario, string path, string body, int concurrency, string token)
    {
        var share = Math.Max(1, concurrency / nodes.Count);
        var parts = await Task.WhenAll(nodes.Select(n => WrkAsync(settings, n, scenario, path, body, share, token)));
        return new Measurement
        {
            Scenario = scenario,
            Concurrency = concurrency,
            Requests = parts.Sum(p => p.Requests),
            Seconds = parts.Max(p => p.Seconds),
            Rps = parts.Sum(p => p.Rps),
            P50Us = parts.Max(p => p.P50Us),
            P99Us = parts.Max(p => p.P99Us),
            ServerCpuS = parts.Sum(p => p.ServerCpuS),
            LoadCpuS = parts.Max(p => p.LoadCpuS),
            ServerWrittenBytes = parts.Sum(p => p.ServerWrittenBytes),
            ServerPeakRssMiB = parts.Sum(p => p.ServerPeakRssMiB),
            ServerIdleRssMiB = parts.Sum(p => p.ServerIdleRssMiB),
            Errors = parts.Sum(p => p.Errors),
            FirstError = parts.Select(p => p.FirstError).FirstOrDefault(e => e is not null),
        };
    }
}
