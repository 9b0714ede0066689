using System.Diagnostics;
using System.Globalization;

namespace Bench.Shared;

/// <summary>
/// Warms a server up until its JIT has settled, read from the server's Prometheus scrape
/// (<c>dotnet_jit_compilation_time_seconds_total</c>, the runtime's own counter). Tiered compilation keeps recompiling hot
/// methods for tens of seconds under load: on the bench's sync Run (2026-12-06) the server spent 0.4-0.7 s of every second
/// compiling 12-22 s after its start, 0.1 s at 40 s and 0.05-0.08 s at 90 s. A window taken while it compiles charges that
/// one-time cost to every request, and more of it to a variant with more code (telemetry export on against off).
/// </summary>
internal sealed class JitSettle(string metricsUrl, double maxWarmupSeconds = JitSettle.MaxWarmupSeconds, double maxShare = JitSettle.MaxShare)
    : IDisposable
{
    /// <summary>Settled: the JIT took at most this share of the server's CPU over a slice.</summary>
    public const double MaxShare = 0.05;

    /// <summary>The longest warm-up in all, settled or not.</summary>
    public const double MaxWarmupSeconds = 120;

    private const string Counter = "dotnet_jit_compilation_time_seconds_total";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>JIT time over server CPU time in the last slice before the window opened.</summary>
    public double ShareAtStart { get; private set; } = double.NaN;

    /// <summary>
    /// Runs <paramref name="slice"/> (a few seconds of load) until JIT time is at most the given share of the servers' CPU
    /// time in a slice, or <paramref name="since"/> shows the maximum warm-up has passed.
    /// </summary>
    public async Task WaitAsync(Func<Task> slice, int[] serverPids, Stopwatch since)
    {
        do
        {
            var jit0 = await JitSecondsAsync();
            var cpu0 = serverPids.Sum(ProcStats.CpuSeconds);
            await slice();
            var jit1 = await JitSecondsAsync();
            var cpu1 = serverPids.Sum(ProcStats.CpuSeconds);
            ShareAtStart = cpu1 > cpu0 ? (jit1 - jit0) / (cpu1 - cpu0) : 0;
        }
        while (ShareAtStart > maxShare && since.Elapsed.TotalSeconds < maxWarmupSeconds);
    }

    /// <summary>The server's JIT seconds so far.</summary>
    public async Task<double> JitSecondsAsync()
    {
        var text = await _http.GetStringAsync(metricsUrl);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(Counter, StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{metricsUrl} has no {Counter}");
    }

    public void Dispose() => _http.Dispose();
}
