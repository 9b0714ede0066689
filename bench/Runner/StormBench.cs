using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Bench.Runner;

/// <summary>
/// The <c>storm</c> scenario (issue 14): REST latency of <c>GET /v1/jobs/{id}</c> (wrk, one finished job) on a quiet
/// server and during a script storm: sync runs of <c>bench/storm</c> (one CPU-bound script each, a few hundredths of a second of sandboxed
/// arithmetic) from more callers than the script pool has slots (<c>Workflows:Scripts:MaxConcurrency</c>, the
/// processor count by default), so the pool is full for the whole window. The pool keeps scripts off the request
/// threads; this shows what the reads still pay for sharing the CPU. Pairs alternate which side runs first.
/// </summary>
internal static class StormBench
{
    public const string Name = "storm";
    private const int ReadConcurrency = 16;
    private const int StormCallers = 16;

    public static async Task<string> RunAsync(
        Settings settings, string token, Func<string, IDictionary<string, string>> environment, List<string> problems)
    {
        var pairs = settings.Smoke ? 1 : Math.Max(3, settings.Runs);
        var quiet = new List<Measurement>();
        var stormy = new List<(Measurement Reads, Measurement Storm)>();
        for (var pair = 0; pair < pairs; pair++)
        {
            foreach (var storming in pair % 2 == 0 ? new[] { false, true } : [true, false])
            {
                try
                {
                    await using var server = await ServerProcess.StartAsync(settings.Dll("Workflows.Server"), settings.TempRoot, environment);
                    var path = "/v1/jobs/" + await FinishedJobAsync(server, token);
                    var label = $"GET /v1/jobs/{{id}}, REST, {(storming ? "script storm" : "quiet")}";
                    Measurement reads;
                    Measurement? storm = null;
                    if (storming)
                    {
                        // The storm starts first and outlasts the reads' warm-up and window (its own 2 s warm-up is the
                        // ramp: every slot busy before wrk starts).
                        var stormSettings = settings with { Warmup = 2, Seconds = settings.Warmup + settings.Seconds + 2 };
                        var stormTask = Drivers.GrpcAsync(stormSettings, server, "storm", "grpc-storm", StormCallers, token);
                        await Task.Delay(TimeSpan.FromSeconds(2));
                        reads = await Drivers.WrkAsync(settings, server, label, path, "", ReadConcurrency, token, "GET");
                        storm = await stormTask;
                        if (storm.Errors > 0)
                        {
                            problems.Add($"storm: {storm.Errors} failed storm runs ({storm.FirstError})");
                        }
                    }
                    else
                    {
                        reads = await Drivers.WrkAsync(settings, server, label, path, "", ReadConcurrency, token, "GET");
                    }

                    if (server.HasExited)
                    {
                        throw new InvalidOperationException($"server died during the run:\n{server.Tail()}");
                    }

                    Console.Error.WriteLine($"  storm: {(storming ? "storm" : "quiet"),-5} GET c={ReadConcurrency} {reads.Rps,9:0} req/s  p50 {reads.P50Us / 1000,7:0.00} ms  " +
                        $"p99 {reads.P99Us / 1000,7:0.00} ms{(storm is null ? "" : $"  scripts {storm.Rps:0.0}/s")}");
                    if (reads.Errors > 0)
                    {
                        problems.Add($"storm: {reads.Errors} failed reads ({reads.FirstError})");
                    }

                    if (storm is null)
                    {
                        quiet.Add(reads);
                    }
                    else
                    {
                        stormy.Add((reads, storm));
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or HttpRequestException)
                {
                    problems.Add($"storm: {e.Message}");
                    Console.Error.WriteLine($"  storm: FAILED: {e.Message}");
                }
            }
        }

        return Markdown(quiet, stormy);
    }

    // A sync run of bench/main over REST; its id is what the reads fetch.
    private static async Task<string> FinishedJobAsync(ServerProcess server, string token)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.RestUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var body = new StringContent("""{"appId":"bench","variables":{"topic":"otters"}}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/v1/runs", body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v1/runs answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)?["job"]?["id"]?.GetValue<string>() ?? throw new InvalidOperationException("POST /v1/runs: no job.id in " + text);
    }

    private static string Markdown(List<Measurement> quiet, List<(Measurement Reads, Measurement Storm)> stormy)
    {
        var text = new StringBuilder();
        void Line(string line) => text.AppendLine(line);
        Line("## Script storm (`storm`)");
        Line("");
        if (quiet.Count == 0 || stormy.Count == 0)
        {
            Line("Did not run (see Problems).");
            return text.ToString();
        }

        var q = quiet.OrderBy(m => m.P99Us).ElementAt(quiet.Count / 2);
        var s = stormy.OrderBy(m => m.Reads.P99Us).ElementAt(stormy.Count / 2);
        Line($"`GET /v1/jobs/{{id}}` of one finished job over REST (wrk, c={ReadConcurrency}), a fresh server per row: quiet, and while " +
             $"{StormCallers} callers run `bench/storm` (sync gRPC Run, one CPU-bound script per job) so every slot of the script pool " +
             $"(`Workflows:Scripts:MaxConcurrency`, default the processor count: {Environment.ProcessorCount} here) stays busy. " +
             $"{quiet.Count} pair(s), alternating which runs first; the row with the median p99 of each side.");
        Line("");
        Line("| reads | req/s | p50 ms | p99 ms | scripts/s | server µs/read |");
        Line("|---|--:|--:|--:|--:|--:|");
        Line($"| quiet | {q.Rps:0} | {Report.Ms(q.P50Us)} | {Report.Ms(q.P99Us)} | | {q.ServerUsPerRequest:0} |");
        Line($"| script storm | {s.Reads.Rps:0} | {Report.Ms(s.Reads.P50Us)} | {Report.Ms(s.Reads.P99Us)} | {s.Storm.Rps:0.0} | |");
        Line("");
        Line("All rows, p99 ms: quiet " + string.Join(", ", quiet.Select(m => Report.Ms(m.P99Us))) +
             "; storm " + string.Join(", ", stormy.Select(m => Report.Ms(m.Reads.P99Us))) + ".");
        return text.ToString();
    }
}
