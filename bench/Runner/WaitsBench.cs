using System.Globalization;
using System.Text.Json.Nodes;
using Bench.Shared;

namespace Bench.Runner;

/// <summary>
/// The <c>waits</c> scenario (issue 13): jobs that wait as data. On one server: a sync Run at low concurrency, then
/// <see cref="Settings.WaitingJobs"/> wait_for_signal jobs started as fast as the API takes them (the server's RSS once
/// they all wait), then the same sync Run beside them. On a fresh server: <see cref="Settings.Timers"/> delay jobs whose
/// due time is one instant, and the lateness of their wake-ups.
/// </summary>
internal static class WaitsBench
{
    /// <summary>Sync Run beside the waiting jobs: low concurrency, so the figure is latency, not throughput.</summary>
    public const int RunConcurrency = 4;

    public static async Task<WaitsFigures> RunAsync(Settings settings, string token, Func<string, IDictionary<string, string>> environment)
    {
        var dll = settings.Dll("Workflows.Server");
        Measurement alone, beside;
        JsonObject a;
        double rssAfterRun, idleRss, dataMiB;
        await using (var server = await ServerProcess.StartAsync(dll, settings.TempRoot, environment))
        {
            idleRss = server.IdleRssMiB;
            alone = await Drivers.GrpcAsync(settings, server, "Run, gRPC (sync), no job waiting", "grpc-run", RunConcurrency, token);
            Log(alone);
            a = await LoadAsync(settings, server, token, ["start", "--workflow", "signal", "--count", Invariant(settings.WaitingJobs), "--concurrency", "64"]);
            Console.Error.WriteLine($"  waits: {a["started"]} wait_for_signal jobs started in {Number(a["start_s"]):0.0} s ({Number(a["starts_per_s"]):0}/s), all waiting after {Number(a["settled_s"]):0.0} s, " +
                $"RSS {Number(a["server_rss_mib"]):0} MiB (peak {Number(a["server_peak_rss_mib"]):0})");
            Check(a, settings.WaitingJobs, "wait_for_signal jobs");
            dataMiB = DirectoryMiB(Path.GetDirectoryName(server.LogPath)!);
            beside = await Drivers.GrpcAsync(settings with { Warmup = Math.Min(settings.Warmup, 2) }, server,
                $"Run, gRPC (sync), {settings.WaitingJobs:N0} jobs waiting", "grpc-run", RunConcurrency, token);
            Log(beside);
            rssAfterRun = ProcStats.RssMiB(server.Pid);
            ThrowIfDead(server);
        }

        // A fresh server, so the timers' figures are their own. They are due once every job is surely waiting. The fresh
        // server starts cold, so the start rate just measured (on a warm one) is only a guide: on 2026-12-07, (a) ran
        // 5,674 starts/s and the cold server took 7.0 s for 10,000 timers, 4× the time at that rate; so 6× it, and 3 s.
        await using var timerServer = await ServerProcess.StartAsync(dll, settings.TempRoot, environment);
        var lead = Math.Max(3, settings.Timers / Math.Max(1, Number(a["starts_per_s"])) * 6 + 3);
        var due = DateTimeOffset.UtcNow.AddSeconds(lead);
        var dueText = due.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var ids = Path.Combine(Path.GetDirectoryName(timerServer.LogPath)!, "timer-ids.txt");
        var b0 = await LoadAsync(settings, timerServer, token,
            ["start", "--workflow", "timer", "--count", Invariant(settings.Timers), "--concurrency", "64", "--vars", "at=" + dueText, "--ids", ids]);
        var ready = (due - DateTimeOffset.UtcNow).TotalSeconds;
        Check(b0, settings.Timers, "timer jobs");
        var b = await LoadAsync(settings, timerServer, token, ["lateness", "--ids", ids, "--due", dueText, "--concurrency", "32"]);
        ThrowIfDead(timerServer);
        var figures = new WaitsFigures
        {
            Waiting = a["started"]!.GetValue<long>(),
            StartSeconds = Number(a["start_s"]),
            StartsPerSecond = Number(a["starts_per_s"]),
            StartP99Us = Number(a["start_p99_us"]),
            SettledSeconds = Number(a["settled_s"]),
            IdleRssMiB = idleRss,
            RssWaitingMiB = Number(a["server_rss_mib"]),
            RssAfterRunMiB = rssAfterRun,
            PeakRssMiB = Number(a["server_peak_rss_mib"]),
            DataMiB = dataMiB,
            RunAlone = alone,
            RunBesideWaiting = beside,
            Timers = b["timers"]!.GetValue<long>(),
            TimerLeadSeconds = lead,
            TimersReadyBeforeDueSeconds = ready,
            LatenessSamples = b["samples"]!.GetValue<long>(),
            LatenessP50Us = Number(b["p50_us"]),
            LatenessP99Us = Number(b["p99_us"]),
            LatenessMaxUs = Number(b["max_us"]),
            FirstWakeUs = Number(b["first_us"]),
            DrainedAfterDueSeconds = Number(b["drained_after_due_s"]),
            TimersSucceeded = b["succeeded"]!.GetValue<long>(),
            Early = b["early"]!.GetValue<long>(),
            TimerPeakRssMiB = Number(b["server_peak_rss_mib"]),
        };
        Console.Error.WriteLine($"  waits: {figures.LatenessSamples} of {figures.Timers} timers woke, lateness p50 {figures.LatenessP50Us / 1000:0} ms p99 {figures.LatenessP99Us / 1000:0} ms " +
            $"max {figures.LatenessMaxUs / 1000:0} ms (all waiting {ready:0.0} s before due; {figures.TimersSucceeded} succeeded)");
        if (b["errors"]!.GetValue<long>() > 0 || figures.LatenessSamples != figures.Timers || figures.TimersSucceeded != figures.Timers)
        {
            throw new InvalidOperationException($"timers: {figures.LatenessSamples}/{figures.Timers} woke, {figures.TimersSucceeded} succeeded, {b["errors"]} errors ({b["first_error"]})");
        }

        if (ready <= 0)
        {
            throw new InvalidOperationException($"timers: the last one was waiting only {-ready:0.0} s after the due time; the lateness would be of starts, not wake-ups");
        }

        return figures;
    }

    private static async Task<JsonObject> LoadAsync(Settings settings, ServerProcess server, string token, string[] args) =>
        Drivers.Result(await Drivers.RunAsync(ServerProcess.DotnetHost(),
            [settings.Dll("Load"), .. args, "--url", server.GrpcUrl, "--token", token, "--server-pid", Invariant(server.Pid), "--timeout", "1200"],
            Drivers.LoadEnvironment, TimeSpan.FromSeconds(1300)));

    private static void Check(JsonObject r, int count, string what)
    {
        if (r["errors"]!.GetValue<long>() > 0 || r["started"]!.GetValue<long>() != count || r["any_failed"]!.GetValue<bool>())
        {
            throw new InvalidOperationException($"{what}: {r["started"]}/{count} started, {r["errors"]} errors ({r["first_error"]}), a job failed: {r["any_failed"]}");
        }
    }

    private static void ThrowIfDead(ServerProcess server)
    {
        if (server.HasExited)
        {
            throw new InvalidOperationException($"server died during the run:\n{server.Tail()}");
        }
    }

    private static void Log(Measurement m) =>
        Console.Error.WriteLine($"  {m.Scenario,-44} c={m.Concurrency,-3} {m.Rps,7:0} req/s  p50 {m.P50Us / 1000,6:0.00} ms  p99 {m.P99Us / 1000,6:0.00} ms" +
            (m.Errors > 0 ? $"  ERRORS {m.Errors}: {m.FirstError}" : ""));

    private static double DirectoryMiB(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) / (1024.0 * 1024);

    private static double Number(JsonNode? node) => Drivers.Number(node);

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
