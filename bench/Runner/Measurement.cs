namespace Bench.Runner;

/// <summary>One measured window of one scenario at one concurrency.</summary>
internal sealed record Measurement
{
    public required string Scenario { get; init; }
    public required int Concurrency { get; init; }
    public long Requests { get; init; }
    public double Seconds { get; init; }
    public double Rps { get; init; }
    public double P50Us { get; init; }
    public double P99Us { get; init; }
    public double ServerCpuS { get; init; }
    public double LoadCpuS { get; init; }
    public double ServerPeakRssMiB { get; init; }
    public double ServerIdleRssMiB { get; init; }
    public long ServerWrittenBytes { get; init; }
    public long Errors { get; init; }
    public string? FirstError { get; init; }

    /// <summary>Server CPU time per completed request in the window, in µs.</summary>
    public double ServerUsPerRequest => Requests > 0 ? ServerCpuS * 1e6 / Requests : double.NaN;

    /// <summary>Load generator CPU time per completed request in the window, in µs.</summary>
    public double LoadUsPerRequest => Requests > 0 ? LoadCpuS * 1e6 / Requests : double.NaN;
}

/// <summary>The WatchJob fan-out run.</summary>
internal sealed record FanOut
{
    public int Watchers { get; init; }
    public int Jobs { get; init; }
    public bool AllConnected { get; init; }
    public double ConnectS { get; init; }
    public double Seconds { get; init; }
    public long Samples { get; init; }
    public double P50Us { get; init; }
    public double P99Us { get; init; }
    public long Completed { get; init; }
    public long Errors { get; init; }
    public string? FirstError { get; init; }
    public double ServerCpuS { get; init; }
    public double LoadCpuS { get; init; }
    public double RssWithWatchersMiB { get; init; }
    public double PeakRssMiB { get; init; }
    public double IdleRssMiB { get; init; }
    public long Threads { get; init; }
}

/// <summary>One engine workload: per-block time and allocation.</summary>
internal sealed record EngineFigure(string Key, string Title, double UsPerBlock, double MinUsPerBlock, double BytesPerBlock, double Gen0PerRun);
