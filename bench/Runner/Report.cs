using Bench.Shared;
using System.Globalization;
using System.Text;

namespace Bench.Runner;

/// <summary>The run as markdown: figures with ratios to their baselines, targets, fan-out, engine, memory, profile.</summary>
internal static class Report
{
    public static string Build(
        Settings settings,
        DateTimeOffset startedAt,
        string loadAverage,
        IReadOnlyList<Measurement> rows,
        FanOut? fanOut,
        WaitsFigures? waits,
        IReadOnlyList<WaitsFigures> waitRuns,
        IReadOnlyList<EngineFigure> engine,
        IReadOnlyList<double> idleRss,
        IReadOnlyList<string> problems)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line($"# Benchmark {startedAt:yyyy-MM-dd HH:mm zzz} ({settings.Mode})");
        Line();
        Line($"{Environment.ProcessorCount} cores ({CpuModel()}), {TotalMemoryGiB():0} GiB; .NET {Environment.Version}; load average at start {loadAverage}. " +
             $"{F(settings.Warmup)} s warm-up + {F(settings.Seconds)} s measured per row, fresh server per row, {settings.Runs} run(s) per row (median by req/s). " +
             "Loopback; load generator and server share the machine.");
        Line();
        Line("## Requests");
        Line();
        Line("Ratios (×) divide by the same figure of the baseline at the same concurrency: bare gRPC echo for gRPC rows, bare REST echo for REST rows. " +
             "CPU columns are seconds used during the measured window; µs/req is server CPU per completed request. " +
             (settings.Smoke ? "" : $"Rows of Workflows.Server go on warming up after the warm-up until the server's JIT takes at most {JitSettle.MaxShare * 100:0} % of its CPU over 4 s " +
              $"(at most {JitSettle.MaxWarmupSeconds:0} s in all; \"warm-up s\" and \"JIT %\", its share of the server's CPU in the window, say how it went): " +
              "tiered compilation goes on for a minute under load, and a window taken earlier charges that one-time cost to every request. " +
              "The echoes have no JIT counter to read and keep the fixed warm-up; they compile far less code."));
        Line();
        Line("| scenario | conc | req/s | × | p50 ms | × | p99 ms | × | server CPU s | load CPU s | server µs/req | × | server peak RSS MiB | warm-up s | JIT % |");
        Line("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in rows)
        {
            var b = Baseline(rows, r);
            Line($"| {r.Scenario}{(r.Errors > 0 ? $" ({r.Errors} errors)" : "")} | {r.Concurrency} | {r.Rps:0} | {X(r.Rps, b?.Rps)} | {Ms(r.P50Us)} | {X(r.P50Us, b?.P50Us)} | " +
                 $"{Ms(r.P99Us)} | {X(r.P99Us, b?.P99Us)} | {r.ServerCpuS:0.00} | {r.LoadCpuS:0.00} | {r.ServerUsPerRequest:0} | {X(r.ServerUsPerRequest, b?.ServerUsPerRequest)} | {r.ServerPeakRssMiB:0} | " +
                 $"{r.WarmupS:0} | {(r.ServerJitS is { } jit && r.ServerCpuS > 0 ? (jit / r.ServerCpuS * 100).ToString("0.0", CultureInfo.InvariantCulture) : "")} |");
        }

        Line();
        Line("## Targets");
        Line();
        Line("| target | measured | verdict |");
        Line("|---|--:|---|");
        foreach (var (target, measured, pass) in Targets(settings, rows, fanOut, waits, engine))
        {
            Line($"| {target} | {measured} | {(settings.Smoke ? "— (smoke: no thresholds)" : pass ? "PASS" : "FAIL")} |");
        }

        Line();
        Line("## WatchJob fan-out");
        Line();
        if (fanOut is { } f)
        {
            Line($"{f.Watchers:N0} WatchJob streams ({f.Jobs} running jobs × {f.Watchers / Math.Max(1, f.Jobs)} watchers, 20 channels, server allows 1,000 streams per connection). " +
                 "Latency is the arrival time at the watcher minus the event's `time` (set when the server wrote it, before its commit), for every stream and every event written once all streams had their first message (replayed stored events do not count). \"connect s\" is the time until all streams had their first message; events written before then (while streams still connect, each replaying its job's stored events) are the last two columns, the connect storm, not the fan-out. CPU and \"RSS with watchers\" are taken from then to the end.");
            Line();
            Line("| watchers | connect s | deliveries | p50 ms | p99 ms | server CPU s | load CPU s | server RSS with watchers MiB | server peak RSS MiB | server threads | streams completed | deliveries while connecting | their p99 ms |");
            Line("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            Line($"| {f.Watchers:N0} | {f.ConnectS:0.00}{(f.AllConnected ? "" : " (not all)")} | {f.Samples:N0} | {Ms(f.P50Us)} | {Ms(f.P99Us)} | {f.ServerCpuS:0.00} | {f.LoadCpuS:0.00} | " +
                 $"{f.RssWithWatchersMiB:0} | {f.PeakRssMiB:0} | {f.Threads} | {f.Completed:N0} | {f.ConnectSamples:N0} | {Ms(f.ConnectP99Us)} |");
        }
        else
        {
            Line("Did not run (see Problems).");
        }

        Line();
        Line("## Waiting jobs (`waits`)");
        Line();
        if (waits is { } wf)
        {
            WaitsReport.Write(Line, wf, waitRuns);
        }
        else
        {
            Line(settings.Includes("waits") ? "Did not run (see Problems)." : "Not selected.");
        }

        Line();
        Line("## Engine alone (in process, observer that records nothing)");
        Line();
        Line("| workload | µs per block (median) | min | bytes allocated per block | gen0 GCs per run |");
        Line("|---|--:|--:|--:|--:|");
        foreach (var e in engine)
        {
            Line($"| {e.Title} | {e.UsPerBlock:0.00} | {e.MinUsPerBlock:0.00} | {e.BytesPerBlock:0} | {(double.IsNaN(e.Gen0PerRun) ? "" : e.Gen0PerRun.ToString("0.0", CultureInfo.InvariantCulture))} |");
        }

        Line();
        Line("## Server memory (RSS)");
        Line();
        var real = rows.Where(r => r.Scenario is Scenario.GrpcRun or Scenario.RestRun or Scenario.Exec).ToList();
        var loaded = real.OrderByDescending(r => r.ServerPeakRssMiB).FirstOrDefault();
        Line("| state | MiB |");
        Line("|---|--:|");
        Line($"| idle (1 s after start, median of {idleRss.Count} starts) | {(idleRss.Count == 0 ? "" : Median(idleRss).ToString("0", CultureInfo.InvariantCulture))} |");
        if (loaded is not null)
        {
            Line($"| under load (highest peak: {loaded.Scenario}, c={loaded.Concurrency}) | {loaded.ServerPeakRssMiB:0} |");
        }

        if (fanOut is { } w)
        {
            Line($"| with {w.Watchers:N0} watchers (peak) | {w.PeakRssMiB:0} |");
        }

        Line();
        Line("## Profile hints");
        Line();
        Line("| scenario | conc | server share of CPU | load gen µs/req | server bytes written per req |");
        Line("|---|--:|--:|--:|--:|");
        foreach (var r in rows)
        {
            var share = r.ServerCpuS / Math.Max(1e-9, r.ServerCpuS + r.LoadCpuS);
            Line($"| {r.Scenario} | {r.Concurrency} | {share:P0} | {r.LoadUsPerRequest:0} | {(r.Requests > 0 ? r.ServerWrittenBytes / (double)r.Requests : 0):0} |");
        }

        if (problems.Count > 0)
        {
            Line();
            Line("## Problems");
            Line();
            foreach (var p in problems)
            {
                Line("- " + p.Split('\n')[0]);
            }
        }

        return md.ToString();
    }

    private static IEnumerable<(string Target, string Measured, bool Pass)> Targets(
        Settings settings, IReadOnlyList<Measurement> rows, FanOut? fanOut, WaitsFigures? waits, IReadOnlyList<EngineFigure> engine)
    {
        foreach (var (scenario, share) in new[] { (Scenario.GrpcRun, 0.35), (Scenario.RestRun, 0.35), (Scenario.Exec, 0.50) })
        {
            foreach (var r in rows.Where(r => r.Scenario == scenario))
            {
                if (Baseline(rows, r) is { } b)
                {
                    yield return ($"{scenario} req/s ≥ {share:P0} of {b.Scenario}, c={r.Concurrency}", $"{r.Rps / b.Rps:P0}", r.Rps >= share * b.Rps);
                }
            }
        }

        foreach (var r in rows.Where(r => r.Concurrency == 64 && r.Scenario is Scenario.GrpcRun or Scenario.RestRun))
        {
            if (Baseline(rows, r) is { } b)
            {
                yield return ($"{r.Scenario} p99 ≤ 3 × {b.Scenario} p99, c=64", $"{r.P99Us / b.P99Us:0.0}× ({Ms(r.P99Us)} vs {Ms(b.P99Us)} ms)", r.P99Us <= 3 * b.P99Us);
            }
        }

        if (fanOut is { } f)
        {
            var full = f.Watchers >= 10_000 || settings.Smoke;
            yield return ($"{f.Watchers:N0} watchers: fan-out p99 < 50 ms", $"{Ms(f.P99Us)} ms", full && f.P99Us < 50_000 && f.Completed == f.Watchers);
            yield return ($"{f.Watchers:N0} watchers: server RSS < 300 MB", $"{f.PeakRssMiB * 1.048576:0} MB", full && f.PeakRssMiB * 1.048576 < 300);
        }

        if (waits is { } w)
        {
            foreach (var target in WaitsReport.Targets(w))
            {
                yield return target;
            }
        }

        foreach (var e in engine.Where(e => e.Key is "sequence" or "foreach"))
        {
            yield return ($"engine: {e.Title}: < 20 µs per block", $"{e.UsPerBlock:0.00} µs", e.UsPerBlock < 20);
        }
    }

    private static Measurement? Baseline(IReadOnlyList<Measurement> rows, Measurement row)
    {
        var name = Scenario.All.First(s => s.Name == row.Scenario).Baseline;
        return name is null ? null : rows.FirstOrDefault(r => r.Scenario == name && r.Concurrency == row.Concurrency);
    }

    private static string X(double value, double? baseline) =>
        baseline is { } b && b > 0 && !double.IsNaN(value) ? (value / b).ToString("0.00", CultureInfo.InvariantCulture) : "";

    internal static string Ms(double micros) => double.IsNaN(micros) ? "n/a" : (micros / 1000).ToString("0.00", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double TotalMemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
}
