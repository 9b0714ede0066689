using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bench.Shared;

namespace Bench.Runner;

/// <summary>Runs the load generators (bench/Load, wrk) and the engine bench, and turns their output into figures.</summary>
internal static partial class Drivers
{
    // The load generator mostly waits; without this its idle thread-pool threads spin and take CPU from the server.
    internal static readonly Dictionary<string, string> LoadEnvironment = new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" };

    /// <summary>gRPC unary load with bench/Load; it samples the server's /proc itself around its window.</summary>
    public static Task<Measurement> GrpcAsync(
        Settings settings, ServerProcess server, string scenario, string target, int concurrency, string token, bool settleJit = false) =>
        GrpcNodesAsync(settings, [server], scenario, target, concurrency, token, settleJit);

    /// <summary>
    /// REST load with wrk (a POST, or <paramref name="method"/>, through bench/wrk/post.lua): a warm-up run, then a measured run with
    /// <c>--latency</c>. wrk's CPU is the growth of this process's reaped-children time (cutime + cstime) over it.
    /// </summary>
    public static async Task<Measurement> WrkAsync(
        Settings settings, ServerProcess server, string scenario, string path, string body, int concurrency, string token, string method = "POST",
        bool settleJit = false)
    {
        var script = Path.Combine(settings.RepoRoot, "bench", "wrk", "post.lua");
        var env = new Dictionary<string, string> { ["BENCH_BODY"] = body, ["BENCH_TOKEN"] = token, ["BENCH_METHOD"] = method };
        var threads = Invariant(Math.Min(2, concurrency));
        string[] Args(double seconds, bool latency) =>
        [
            "-t", threads, "-c", Invariant(concurrency), "-d", Invariant(Math.Max(1, (int)Math.Round(seconds))) + "s",
            "--timeout", "30s", "-s", script, .. latency ? new[] { "--latency" } : [], server.RestUrl + path,
        ];
        var limit = TimeSpan.FromSeconds(settings.Seconds + 60);
        var since = Stopwatch.StartNew();
        if (settings.Warmup > 0)
        {
            await RunAsync("wrk", Args(settings.Warmup, false), env, limit);
        }

        // settleJit: go on warming up in 4 s runs until the server's JIT has settled (bench/Shared/JitSettle.cs).
        using var settle = settleJit ? new JitSettle(server.MetricsUrl) : null;
        var jit0 = 0.0;
        if (settle is not null)
        {
            await settle.WaitAsync(() => RunAsync("wrk", Args(4, false), env, limit), [server.Pid], since);
            jit0 = await settle.JitSecondsAsync();
        }

        var warmedUp = since.Elapsed;

        var self = Environment.ProcessId;
        var child0 = ProcStats.ChildCpuSeconds(self);
        var cpu0 = ProcStats.CpuSeconds(server.Pid);
        var written0 = ProcStats.WrittenBytes(server.Pid);
        var output = await RunAsync("wrk", Args(settings.Seconds, true), env, limit);
        var cpu1 = ProcStats.CpuSeconds(server.Pid);
        var written1 = ProcStats.WrittenBytes(server.Pid);
        var child1 = ProcStats.ChildCpuSeconds(self);
        double? jit = settle is null ? null : await settle.JitSecondsAsync() - jit0;

        var totals = Match(RequestsLine(), output, "requests line");
        var requests = long.Parse(totals.Groups[1].Value, CultureInfo.InvariantCulture);
        var seconds = Duration(totals.Groups[2].Value, totals.Groups[3].Value) / 1e6;
        var errors = 0L;
        if (NonSuccess().Match(output) is { Success: true } non2xx)
        {
            errors += long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        if (SocketErrors().Match(output) is { Success: true } socket)
        {
            errors += Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture));
        }

        var good = requests - (NonSuccess().Match(output) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
        return new Measurement
        {
            Scenario = scenario,
            Concurrency = concurrency,
            Requests = good,
            Seconds = seconds,
            Rps = double.Parse(Match(RequestsPerSecond(), output, "Requests/sec").Groups[1].Value, CultureInfo.InvariantCulture) * good / Math.Max(1, requests),
            P50Us = Percentile(output, "50"),
            P99Us = Percentile(output, "99"),
            ServerCpuS = cpu1 - cpu0,
            LoadCpuS = child1 - child0,
            ServerWrittenBytes = written1 - written0,
            ServerPeakRssMiB = ProcStats.PeakRssMiB(server.Pid),
            ServerIdleRssMiB = server.IdleRssMiB,
            Errors = errors,
            WarmupS = warmedUp.TotalSeconds,
            ServerJitS = jit,
            FirstError = errors > 0 ? "wrk: " + string.Join(" / ", output.Split('\n').Where(l => l.Contains("Non-2xx", StringComparison.Ordinal) || l.Contains("Socket errors", StringComparison.Ordinal)).Select(l => l.Trim())) : null,
        };
    }

    /// <summary>
    /// A sampling profile of the server over the measured window (it starts after the warm-up; the load generator's own
    /// start-up is not counted): <c>dotnet-trace collect --profile dotnet-sampled-thread-time</c>, also as Speedscope JSON.
    /// </summary>
    public static async Task TraceAsync(Settings settings, ServerProcess server, string output)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await Task.Delay(TimeSpan.FromSeconds(settings.Warmup + 0.5));
        var tool = Environment.GetEnvironmentVariable("DOTNET_TRACE") is { Length: > 0 } path ? path : "dotnet-trace";
        var seconds = Math.Max(1, (int)Math.Floor(settings.Seconds - 0.5));
        await RunAsync(tool,
            ["collect", "-p", Invariant(server.Pid), "--profile", "dotnet-sampled-thread-time", "--duration", string.Create(CultureInfo.InvariantCulture, $"00:00:00:{seconds:00}"),
             "--format", "Speedscope", "-o", output + ".nettrace"],
            new Dictionary<string, string>(), TimeSpan.FromSeconds(seconds + 120));
    }

    /// <summary>
    /// The WatchJob fan-out with bench/Load. Outside <c>--smoke</c> rounds of a fifth of it run first, unmeasured, until the
    /// server's JIT has settled, so its watch path is compiled at its final tier before the measured round (as the rows warm up).
    /// </summary>
    public static async Task<FanOut> WatchAsync(Settings settings, ServerProcess server, string token)
    {
        if (!settings.Smoke)
        {
            // Rounds of a fifth of the fan-out until the server's JIT has settled (a perf profile of the first round's
            // server showed the JIT at 19 % of its samples): the fan-out is measured on compiled code, as the rows are.
            var since = Stopwatch.StartNew();
            using var settle = new JitSettle(server.MetricsUrl);
            await settle.WaitAsync(
                async () => Result(await RunAsync(ServerProcess.DotnetHost(), WatchArgs(settings, server, token, Math.Max(1, settings.WatchJobs / 5), "2s"),
                    LoadEnvironment, TimeSpan.FromSeconds(180))),
                [server.Pid], since);
            Console.Error.WriteLine($"  WatchJob fan-out: warm-up {since.Elapsed.TotalSeconds:0} s, JIT {settle.ShareAtStart * 100:0.0} % of the server's CPU in its last round");
        }

        var output = await RunAsync(ServerProcess.DotnetHost(), WatchArgs(settings, server, token, settings.WatchJobs, settings.WatchSetup),
            LoadEnvironment, TimeSpan.FromSeconds(180));
        var r = Result(output);
        return new FanOut
        {
            Watchers = r["watchers"]!.GetValue<int>(),
            Jobs = r["jobs"]!.GetValue<int>(),
            AllConnected = r["all_connected"]!.GetValue<bool>(),
            ConnectS = r["connect_s"]!.GetValue<double>(),
            Seconds = r["seconds"]!.GetValue<double>(),
            Samples = r["samples"]!.GetValue<long>(),
            P50Us = Number(r["p50_us"]),
            P99Us = Number(r["p99_us"]),
            ConnectSamples = r["connect_samples"]!.GetValue<long>(),
            ConnectP99Us = Number(r["connect_p99_us"]),
            Completed = r["completed"]!.GetValue<long>(),
            Errors = r["errors"]!.GetValue<long>(),
            FirstError = r["first_error"]?.GetValue<string>(),
            ServerCpuS = r["server_cpu_s"]!.GetValue<double>(),
            LoadCpuS = r["load_cpu_s"]!.GetValue<double>(),
            RssWithWatchersMiB = r["server_rss_mib"]!.GetValue<double>(),
            PeakRssMiB = r["server_peak_rss_mib"]!.GetValue<double>(),
            IdleRssMiB = server.IdleRssMiB,
            Threads = r["server_threads"]!.GetValue<long>(),
        };
    }

    private static string[] WatchArgs(Settings settings, ServerProcess server, string token, int jobs, string setup) =>
        [settings.Dll("Load"), "watch", "--url", server.GrpcUrl, "--token", token, "--jobs", Invariant(jobs),
         "--per-job", Invariant(settings.WatchersPerJob), "--setup", setup, "--channels", "20",
         "--server-pid", Invariant(server.Pid), "--timeout", "120"];

    /// <summary>The engine alone (bench/Engine).</summary>
    public static async Task<List<EngineFigure>> EngineAsync(Settings settings)
    {
        var output = await RunAsync(ServerProcess.DotnetHost(), [settings.Dll("Engine"), Invariant(settings.EngineIterations), "1000"],
            new Dictionary<string, string>(), TimeSpan.FromSeconds(300));
        var r = Result(output);
        return r.Select(p => new EngineFigure(
            p.Key,
            p.Value!["title"]!.GetValue<string>(),
            p.Value["us_per_block"]!.GetValue<double>(),
            p.Value["min_us_per_block"]!.GetValue<double>(),
            p.Value["bytes_per_block"]!.GetValue<double>(),
            p.Value["gen0_per_run"]?.GetValue<double>() ?? double.NaN)).ToList();
    }

    /// <summary>Runs a process to its end; throws with its output when it fails or overruns.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string> env, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(3))} ran over {timeout}:\n{await stderr}");
        }

        var output = await stdout;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(3))} exited with {process.ExitCode}:\n{output}\n{await stderr}");
    }

    internal static JsonObject Result(string output)
    {
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("no RESULT line in:\n" + output);
        return JsonNode.Parse(line["RESULT ".Length..])!.AsObject();
    }

    // A percentile without samples comes as the string "NaN".
    internal static double Number(JsonNode? node) => node?.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : double.NaN;

    private static double Percentile(string output, string percent)
    {
        var m = LatencyLine().Matches(output).FirstOrDefault(x => x.Groups[1].Value == percent)
            ?? throw new InvalidOperationException($"wrk printed no {percent}% latency:\n{output}");
        return Duration(m.Groups[2].Value, m.Groups[3].Value);
    }

    private static double Duration(string number, string unit) =>
        double.Parse(number, CultureInfo.InvariantCulture) * unit switch
        {
            "us" => 1,
            "ms" => 1e3,
            "s" => 1e6,
            "m" => 60e6,
            "h" => 3600e6,
            _ => throw new FormatException("unit " + unit),
        };

    private static Match Match(Regex regex, string output, string what) =>
        regex.Match(output) is { Success: true } m ? m : throw new InvalidOperationException($"wrk printed no {what}:\n{output}");

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m)")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
