using System.Globalization;
using System.Security.Cryptography;
using Bench.Runner;
using Workflows.Security;

// bench/run.sh builds everything in Release, then runs this: every scenario, a table on stdout and in
// bench/results/<timestamp>.md. Exits non-zero only when a scenario could not run or had failed requests.
var settings = Settings.Parse(args);
var key = RandomNumberGenerator.GetBytes(48);
var token = new TokenIssuer(key, TimeProvider.System).Create("default", "admin", "Workflow", TimeSpan.FromHours(12), []).Token;
var startedAt = DateTimeOffset.Now;
var load0 = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
var problems = new List<string>();
var rows = new List<Measurement>();
var fanOuts = new List<FanOut>();
var engine = new List<EngineFigure>();
var idle = new List<double>();

IDictionary<string, string> RealEnvironment(string dataDir, bool watch)
{
    var env = new Dictionary<string, string>
    {
        ["Workflows__DataDir"] = dataDir,
        ["Workflows__AppsDir"] = Path.Combine(settings.RepoRoot, "bench", "apps"),
        ["Workflows__Auth__SigningKey"] = Convert.ToBase64String(key),
        ["Workflows__Auth__WriteDevToken"] = "false",
        // Off where the keys exist; ignored otherwise.
        ["Workflows__Limits__RequestsPerSecond"] = "0",
        ["Workflows__Limits__MaxConcurrentJobs"] = "0",
    };
    if (watch)
    {
        // Kestrel allows 100 streams per HTTP/2 connection by default; 10,000 watchers over 20 channels need more.
        env["Kestrel__Limits__Http2__MaxStreamsPerConnection"] = "1000";
    }

    // BENCH_SERVER_X=v in the harness's environment sets X=v on every Workflows.Server it starts (and on nothing else),
    // to try a runtime or server setting without a rebuild (e.g. BENCH_SERVER_DOTNET_gcServer=0).
    ServerProcess.AddPrefixed(env, "BENCH_SERVER_");

    return env;
}

Console.Error.WriteLine($"bench: {settings.Mode}, {settings.Warmup}+{settings.Seconds} s per row, concurrency {string.Join('/', settings.Concurrency)}, {settings.Runs} run(s) each; load average {load0}");

foreach (var concurrency in settings.Concurrency)
{
    foreach (var scenario in Scenario.All.Where(s => settings.Includes(s.Name) || (s.Baseline is null && Scenario.All.Any(d => d.Baseline == s.Name && settings.Includes(d.Name)))))
    {
        var runs = new List<Measurement>();
        for (var run = 0; run < settings.Runs; run++)
        {
            try
            {
                var dll = settings.Dll(scenario.Real ? "Workflows.Server" : "Baseline");
                await using var server = await ServerProcess.StartAsync(dll, settings.TempRoot, dir => scenario.Real ? RealEnvironment(dir, false) : new Dictionary<string, string>());
                if (scenario.Real)
                {
                    idle.Add(server.IdleRssMiB);
                }

                var trace = scenario.Real && settings.TraceDir is { } traceDir
                    ? Drivers.TraceAsync(settings, server, Path.Combine(traceDir, $"{scenario.Name.Split(',')[0].Replace('/', '-').Replace(' ', '-')}-c{concurrency}-{run}"))
                    : Task.CompletedTask;
                var m = scenario.Grpc
                    ? await Drivers.GrpcAsync(settings, server, scenario.Name, scenario.Target, concurrency, token, settleJit: scenario.Real && !settings.Smoke)
                    : await Drivers.WrkAsync(settings, server, scenario.Name, scenario.Target, scenario.Body, concurrency, token, settleJit: scenario.Real && !settings.Smoke);
                await trace;
                if (server.HasExited)
                {
                    throw new InvalidOperationException($"server died during the run:\n{server.Tail()}");
                }

                runs.Add(m);
                Console.Error.WriteLine($"  {scenario.Name,-30} c={concurrency,-4} {m.Rps,9:0} req/s  p50 {m.P50Us / 1000,7:0.00} ms  p99 {m.P99Us / 1000,7:0.00} ms  " +
                    $"cpu srv {m.ServerCpuS:0.00} s load {m.LoadCpuS:0.00} s  rss {m.ServerPeakRssMiB:0} MiB{(m.Errors > 0 ? $"  ERRORS {m.Errors}: {m.FirstError}" : "")}");
                if (m.Requests == 0)
                {
                    // A smoke checks that every scenario runs and nothing fails; on a starved machine a short window
                    // may see no completion, which says nothing about correctness.
                    var note = $"{scenario.Name} c={concurrency}: no request completed inside the measured window";
                    if (settings.Smoke)
                    {
                        Console.Error.WriteLine($"  warning: {note}");
                    }
                    else
                    {
                        problems.Add(note);
                    }
                }

                if (m.Errors > 0)
                {
                    problems.Add($"{scenario.Name} c={concurrency}: {m.Errors} failed requests ({m.FirstError})");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
            {
                problems.Add($"{scenario.Name} c={concurrency}: {e.Message}");
                Console.Error.WriteLine($"  {scenario.Name} c={concurrency}: FAILED: {e.Message}");
            }
        }

        if (runs.Count > 0)
        {
            rows.Add(runs.OrderBy(r => r.Rps).ElementAt(runs.Count / 2));
        }
    }
}

for (var run = 0; run < (settings.Includes("watch") ? settings.Runs : 0); run++)
{
    try
    {
        await using var server = await ServerProcess.StartAsync(settings.Dll("Workflows.Server"), settings.TempRoot, dir => RealEnvironment(dir, true));
        var f = await Drivers.WatchAsync(settings, server, token);
        fanOuts.Add(f);
        Console.Error.WriteLine($"  WatchJob fan-out: {f.Watchers} watchers, p50 {f.P50Us / 1000:0.00} ms p99 {f.P99Us / 1000:0.00} ms over {f.Samples} deliveries, " +
            $"RSS {f.RssWithWatchersMiB:0} MiB (peak {f.PeakRssMiB:0}), {f.Completed} streams completed, {f.Errors} errors");
        if (f.Errors > 0 || f.Completed != f.Watchers || f.Samples == 0)
        {
            problems.Add($"WatchJob fan-out: {f.Completed}/{f.Watchers} streams completed, {f.Errors} errors, {f.Samples} samples ({f.FirstError})");
        }
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
    {
        problems.Add($"WatchJob fan-out: {e.Message}");
        Console.Error.WriteLine($"  WatchJob fan-out: FAILED: {e.Message}");
    }
}

var waitRuns = new List<WaitsFigures>();
for (var run = 0; run < (settings.Includes("waits") ? settings.Runs : 0); run++)
{
    try
    {
        Console.Error.WriteLine($"  waits: {settings.WaitingJobs:N0} waiting jobs, {settings.Timers:N0} timers (rate and concurrency limits off)");
        waitRuns.Add(await WaitsBench.RunAsync(settings, token, dir => RealEnvironment(dir, false)));
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
    {
        problems.Add($"waits: {e.Message}");
        Console.Error.WriteLine($"  waits: FAILED: {e.Message}");
    }
}

try
{
    engine = settings.Includes("engine") ? await Drivers.EngineAsync(settings) : [];
    foreach (var e in engine)
    {
        Console.Error.WriteLine($"  engine: {e.Title}: {e.UsPerBlock:0.00} µs/block, {e.BytesPerBlock:0} B/block");
    }
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException)
{
    problems.Add($"engine: {e.Message}");
}

var (_, clusterMarkdown) = settings.Includes("postgres") && settings.Nodes.Length > 0
    ? await ClusterBench.RunAsync(settings, token, dir => RealEnvironment(dir, false), rows, problems)
    : ([], "");
var telemetryMarkdown = settings.Includes(TelemetryBench.Name)
    ? await TelemetryBench.RunAsync(settings, token, dir => RealEnvironment(dir, false), problems)
    : "";
var stormMarkdown = settings.Includes(StormBench.Name)
    ? await StormBench.RunAsync(settings, token, dir => RealEnvironment(dir, false), problems)
    : "";
var fanOut = fanOuts.Count == 0 ? null : fanOuts.OrderBy(f => f.P99Us).ElementAt(fanOuts.Count / 2);
// Several runs: the one with the median timer p99 (its other figures come with it, so a row stays one run's).
var waits = waitRuns.Count == 0 ? null : waitRuns.OrderBy(w => w.LatenessP99Us).ElementAt(waitRuns.Count / 2);
var markdown = Report.Build(settings, startedAt, load0, rows, fanOut, waits, waitRuns, engine, idle, problems) +
    (clusterMarkdown.Length > 0 ? Environment.NewLine + clusterMarkdown : "") +
    (telemetryMarkdown.Length > 0 ? Environment.NewLine + telemetryMarkdown : "") +
    (stormMarkdown.Length > 0 ? Environment.NewLine + stormMarkdown : "");
Console.Out.WriteLine();
Console.Out.WriteLine(markdown);
Directory.CreateDirectory(settings.OutDir);
var file = Path.Combine(settings.OutDir, startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + (settings.Smoke ? "-smoke" : "") + ".md");
await File.WriteAllTextAsync(file, markdown);
Console.Error.WriteLine($"bench: written to {Path.GetRelativePath(settings.RepoRoot, file)}");
return problems.Count == 0 ? 0 : 1;
