using HdrHistogram;

namespace Bench.Shared;

/// <summary>
/// Latencies in microseconds, kept by HdrHistogram (3 significant digits: under 0.1% error, 1 µs to 1 hour).
/// Thread-safe for recording; merge per-worker histograms or share one. A thin wrapper so the drivers keep their
/// report (NaN for no samples, values clamped into range rather than thrown on).
/// </summary>
internal sealed class LatencyHistogram
{
    private const long HighestMicros = 3_600_000_000;
    private readonly LongConcurrentHistogram _histogram = new(1, HighestMicros, 3);

    /// <summary>Samples recorded.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Records one latency (negative values count as 0, above an hour as an hour).</summary>
    public void Record(long micros) => _histogram.RecordValue(Math.Clamp(micros, 0, HighestMicros));

    /// <summary>Adds another histogram's samples.</summary>
    public void Add(LatencyHistogram other) => _histogram.Add(other._histogram);

    /// <summary>The latency (µs) at or below which <paramref name="percent"/>% of samples fall; NaN with no samples.</summary>
    public double Percentile(double percent) => Count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percent);
}
