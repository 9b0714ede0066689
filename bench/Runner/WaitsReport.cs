using System.Globalization;

namespace Bench.Runner;

/// <summary>The <c>waits</c> scenario's section of the report and its targets.</summary>
internal static class WaitsReport
{
    /// <summary>Issue 13: 100,000 waiting jobs under 300 MB; 10,000 timers due at once wake with p99 lateness under 1 s.</summary>
    public static IEnumerable<(string Target, string Measured, bool Pass)> Targets(WaitsFigures w)
    {
        var full = w.Waiting >= 100_000 && w.Timers >= 10_000;
        yield return ($"{w.Waiting:N0} jobs waiting: server RSS < 300 MB", $"{w.RssWaitingMiB * 1.048576:0} MB", full && w.RssWaitingMiB * 1.048576 < 300);
        yield return ($"{w.Timers:N0} timers due at once: wake-up lateness p99 < 1 s", $"{Report.Ms(w.LatenessP99Us)} ms", full && w.LatenessP99Us < 1_000_000);
    }

    public static void Write(Action<string> line, WaitsFigures w, IReadOnlyList<WaitsFigures> runs)
    {
        var r0 = w.RunAlone;
        var r1 = w.RunBesideWaiting;
        line($"Real server, SQLite, rate and concurrency limits off. (a) {w.Waiting:N0} jobs of `bench/signal` (a `wait_for_signal`) started with `Run` and " +
             "`wait` 0 by 64 callers as fast as the server answers, until none is queued or running; RSS is `VmRSS` at that moment. " +
             $"(c) sync `Run` of `bench/main` over gRPC at c={WaitsBench.RunConcurrency} on the same server, before (a) and while (a)'s jobs wait. " +
             $"(b) on a fresh server, {w.Timers:N0} jobs of `bench/timer` (a `delay` with `until`, all the same instant); lateness is each job's " +
             "`job_resumed` event time (set by the server as it writes it) minus that instant, read back with `WatchJob`." +
             (runs.Count > 1 ? $" Median of {runs.Count} runs by timer p99 (one run's figures)." : ""));
        line("");
        line("| jobs waiting | start s | starts/s | start p99 ms | all waiting after s | idle RSS MiB | RSS all waiting MiB | RSS after Run MiB | peak RSS MiB | data on disk MiB |");
        line("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        line($"| {w.Waiting:N0} | {w.StartSeconds:0.0} | {w.StartsPerSecond:0} | {Report.Ms(w.StartP99Us)} | {w.SettledSeconds:0.0} | {w.IdleRssMiB:0} | {w.RssWaitingMiB:0} | " +
             $"{w.RssAfterRunMiB:0} | {w.PeakRssMiB:0} | {w.DataMiB:0} |");
        line("");
        line("| sync Run, gRPC, c=" + WaitsBench.RunConcurrency + " | req/s | p50 ms | p99 ms | server µs/req |");
        line("|---|--:|--:|--:|--:|");
        line($"| no job waiting | {r0.Rps:0} | {Report.Ms(r0.P50Us)} | {Report.Ms(r0.P99Us)} | {r0.ServerUsPerRequest:0} |");
        line($"| {w.Waiting:N0} jobs waiting | {r1.Rps:0} | {Report.Ms(r1.P50Us)} | {Report.Ms(r1.P99Us)} | {r1.ServerUsPerRequest:0} |");
        line($"| ratio | {Ratio(r1.Rps, r0.Rps)} | {Ratio(r1.P50Us, r0.P50Us)} | {Ratio(r1.P99Us, r0.P99Us)} | {Ratio(r1.ServerUsPerRequest, r0.ServerUsPerRequest)} |");
        line("");
        line("| timers | due after s | all waiting before due s | woke | lateness p50 ms | p99 ms | max ms | first wake ms | all done after due s | peak RSS MiB |");
        line("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        line($"| {w.Timers:N0} | {w.TimerLeadSeconds:0.0} | {w.TimersReadyBeforeDueSeconds:0.0} | {w.LatenessSamples:N0} | {Report.Ms(w.LatenessP50Us)} | {Report.Ms(w.LatenessP99Us)} | " +
             $"{Report.Ms(w.LatenessMaxUs)} | {Report.Ms(w.FirstWakeUs)} | {w.DrainedAfterDueSeconds:0.0} | {w.TimerPeakRssMiB:0} |");
        if (runs.Count > 1)
        {
            line("");
            line("All runs: " + string.Join("; ", runs.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"RSS {r.RssWaitingMiB:0} MiB, lateness p99 {r.LatenessP99Us / 1000:0} ms, Run p99 {r.RunAlone.P99Us / 1000:0.00} → {r.RunBesideWaiting.P99Us / 1000:0.00} ms"))));
        }
    }

    private static string Ratio(double value, double baseline) =>
        baseline > 0 && !double.IsNaN(value) ? (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) : "";
}
