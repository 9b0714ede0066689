using Bench.Shared;
using System.Globalization;
using System.Text;

namespace Bench.Runner;

/// <summary>
/// The <c>telemetry</c> scenario (issue 17): sync <c>Run</c> over gRPC with OpenTelemetry export off (the default: spans
/// and metrics collected, /metrics served, nothing sent) and on (OTLP/HTTP to a loopback sink, every span exported), in
/// the same bench run, alternating which goes first; a fresh server per row. Target: export costs at most 10 % of the rate.
/// </summary>
internal static class TelemetryBench
{
    public const string Name = "telemetry";
    private const double MaxOverhead = 0.10;

    public static async Task<string> RunAsync(
        Settings settings, string token, Func<string, IDictionary<string, string>> environment, List<string> problems)
    {
        var pairs = settings.Smoke ? 1 : Math.Max(3, settings.Runs);
        var concurrency = settings.Smoke ? 8 : 64;
        await using var sink = await OtlpSink.StartAsync();
        var off = new List<Measurement>();
        var on = new List<(Measurement Figures, long Exports, long Bytes)>();
        for (var pair = 0; pair < pairs; pair++)
        {
            // Alternate which goes first, so a drift of the shared machine falls on both sides.
            foreach (var exporting in pair % 2 == 0 ? new[] { false, true } : [true, false])
            {
                try
                {
                    var (requests, bytes) = (sink.Requests, sink.Bytes);
                    await using var server = await ServerProcess.StartAsync(settings.Dll("Workflows.Server"), settings.TempRoot, dir =>
                    {
                        var env = environment(dir);
                        if (exporting)
                        {
                            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Url;
                            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                            // Room for every span at this rate, so nothing is dropped (which would measure less than the
                            // cost of exporting them all). Batches stay at the SDK's 512 spans: the exporter sends one as soon
                            // as it fills, every few tens of ms here. Batches of 4,096 cost 30-40 % more server CPU per run
                            // (measured 2026-12-06): spans wait longer in the queue, so they outlive gen0, and each batch is
                            // encoded into a buffer on the large-object heap.
                            env["OTEL_BSP_MAX_QUEUE_SIZE"] = "200000";
                            env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
                            env["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
                            // BENCH_EXPORT_X=v in the harness's environment sets X=v on the exporting server, to try
                            // other exporter settings (e.g. BENCH_EXPORT_OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4096).
                            ServerProcess.AddPrefixed(env, "BENCH_EXPORT_");
                        }

                        return env;
                    });
                    var m = await Drivers.GrpcAsync(settings, server, $"Run, gRPC (sync), export {(exporting ? "on" : "off")}", "grpc-run", concurrency, token, settleJit: !settings.Smoke);
                    if (server.HasExited)
                    {
                        throw new InvalidOperationException($"server died during the run:\n{server.Tail()}");
                    }

                    Console.Error.WriteLine($"  telemetry: export {(exporting ? "on " : "off")} c={concurrency} {m.Rps,9:0} req/s  p99 {m.P99Us / 1000,7:0.00} ms  {m.ServerUsPerRequest,4:0} µs/req  warm-up {m.WarmupS:0} s" +
                        (exporting ? $"  {sink.Requests - requests} OTLP posts, {(sink.Bytes - bytes) / 1048576.0:0.0} MiB" : ""));
                    if (m.Errors > 0)
                    {
                        problems.Add($"telemetry: {m.Errors} failed requests ({m.FirstError})");
                    }

                    if (exporting)
                    {
                        on.Add((m, sink.Requests - requests, sink.Bytes - bytes));
                    }
                    else
                    {
                        off.Add(m);
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
                {
                    problems.Add($"telemetry: {e.Message}");
                    Console.Error.WriteLine($"  telemetry: FAILED: {e.Message}");
                }
            }
        }

        return Markdown(settings, concurrency, off, on);
    }

    private static string Markdown(Settings settings, int concurrency, List<Measurement> off, List<(Measurement Figures, long Exports, long Bytes)> on)
    {
        var text = new StringBuilder();
        void Line(string line) => text.AppendLine(line);
        Line("## Telemetry export (`telemetry`)");
        Line("");
        if (off.Count == 0 || on.Count == 0)
        {
            Line("Did not run (see Problems).");
            return text.ToString();
        }

        var medianOff = off.OrderBy(m => m.Rps).ElementAt(off.Count / 2);
        var medianOn = on.OrderBy(m => m.Figures.Rps).ElementAt(on.Count / 2);
        var overhead = 1 - (medianOn.Figures.Rps / medianOff.Rps);
        Line($"Sync `Run` of `bench/main` over gRPC at c={concurrency}, a fresh server per row; export off (the default: spans and metrics " +
             "collected, nothing sent) and on (`OTEL_EXPORTER_OTLP_ENDPOINT` to a loopback OTLP/HTTP sink in the harness, batch queue large " +
             $"enough to export every span). {off.Count} pair(s), alternating which runs first; the median row of each side. " +
             $"Each row warms up until the server's JIT takes at most {JitSettle.MaxShare * 100:0} % of its CPU over 4 s (at most {JitSettle.MaxWarmupSeconds:0} s): " +
             "tiered compilation goes on for a minute under this load, and export adds code to compile, so a window taken earlier " +
             "charges that one-time cost to every request.");
        Line("");
        Line("| export | req/s | p50 ms | p99 ms | server µs/req | warm-up s | server JIT in window | OTLP posts | MiB sent |");
        Line("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        Line($"| off | {medianOff.Rps:0} | {Report.Ms(medianOff.P50Us)} | {Report.Ms(medianOff.P99Us)} | {medianOff.ServerUsPerRequest:0} | {medianOff.WarmupS:0} | {JitShare(medianOff)} | | |");
        Line($"| on (OTLP/HTTP) | {medianOn.Figures.Rps:0} | {Report.Ms(medianOn.Figures.P50Us)} | {Report.Ms(medianOn.Figures.P99Us)} | " +
             $"{medianOn.Figures.ServerUsPerRequest:0} | {medianOn.Figures.WarmupS:0} | {JitShare(medianOn.Figures)} | {medianOn.Exports} | {medianOn.Bytes / 1048576.0:0.0} |");
        Line("");
        var pass = overhead <= MaxOverhead;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Overhead of export: {overhead * 100:0.0} % of the rate (target ≤ {MaxOverhead * 100:0} %): {(settings.Smoke ? "smoke, not judged" : pass ? "PASS" : "FAIL")}."));
        Line("All rows, req/s: off " + string.Join(", ", off.Select(m => m.Rps.ToString("0", CultureInfo.InvariantCulture))) +
             "; on " + string.Join(", ", on.Select(m => m.Figures.Rps.ToString("0", CultureInfo.InvariantCulture))) + ".");
        return text.ToString();
    }

    // The share of the server's CPU in the window that went to compiling.
    private static string JitShare(Measurement m) =>
        m.ServerJitS is { } jit && m.ServerCpuS > 0 ? string.Create(CultureInfo.InvariantCulture, $"{jit / m.ServerCpuS * 100:0.0} %") : "";
}
