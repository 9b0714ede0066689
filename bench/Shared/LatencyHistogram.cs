namespace Bench.Shared;

/// <summary>
/// Latencies in microseconds, in log-linear buckets (exact below 256 µs, then 128 buckets per power of two: under
/// 0.8% error). Thread-safe for recording; merge per-worker histograms or share one.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int Sub = 1 << SubBits;
    private readonly long[] _counts = new long[2 * Sub + (40 * Sub)];

    /// <summary>Samples recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    private long _count;

    /// <summary>Records one latency (negative values count as 0).</summary>
    public void Record(long micros)
    {
        Interlocked.Increment(ref _counts[Index(Math.Max(0, micros))]);
        Interlocked.Increment(ref _count);
    }

    /// <summary>Adds another histogram's samples.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        _count += other._count;
    }

    /// <summary>The latency (µs, the bucket's middle) below which <paramref name="percent"/>% of samples fall.</summary>
    public double Percentile(double percent)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percent / 100.0 * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(1, rank))
            {
                return Middle(i);
            }
        }

        return Middle(_counts.Length - 1);
    }

    private static int Index(long v)
    {
        if (v < 2 * Sub)
        {
            return (int)v;
        }

        var shift = 63 - (int)long.LeadingZeroCount(v) - SubBits;
        var index = (2 * Sub) + ((shift - 1) * Sub) + (int)((v >> shift) - Sub);
        return Math.Min(index, (2 * Sub) + (40 * Sub) - 1);
    }

    private static double Middle(int index)
    {
        if (index < 2 * Sub)
        {
            return index;
        }

        var shift = ((index - (2 * Sub)) / Sub) + 1;
        var mantissa = ((index - (2 * Sub)) % Sub) + Sub;
        return (mantissa << shift) + ((1L << shift) / 2.0);
    }
}
