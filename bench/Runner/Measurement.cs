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

    /// <summary>Seconds of load before the window opened.</summary>
    public double WarmupS { get; init; }

    /// <summary>Seconds the server spent compiling (JIT) in the window, when the warm-up waited for the JIT to settle.</summary>
    public double? ServerJitS { get; init; }

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
    /// <summary>Deliveries of events written while streams were still connecting, and their p99 (the connect storm).</summary>
    public long ConnectSamples { get; init; }
    public double ConnectP99Us { get; init; }
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

/// <summary>The <c>waits</c> scenario: jobs waiting as data, timers falling due together, a sync Run beside them.</summary>
internal sealed record WaitsFigures
{
    /// <summary>(a) wait_for_signal jobs started and waiting on one node.</summary>
    public long Waiting { get; init; }
    public double StartSeconds { get; init; }
    public double StartsPerSecond { get; init; }
    public double StartP99Us { get; init; }

    /// <summary>From the first start until no job was queued or running.</summary>
    public double SettledSeconds { get; init; }
    public double IdleRssMiB { get; init; }
    public double RssWaitingMiB { get; init; }
    public double RssAfterRunMiB { get; init; }
    public double PeakRssMiB { get; init; }
    public double DataMiB { get; init; }

    /// <summary>(c) sync Run of <c>bench/main</c> over gRPC before the waiting jobs and while they wait.</summary>
    public required Measurement RunAlone { get; init; }
    public required Measurement RunBesideWaiting { get; init; }

    /// <summary>(b) delay jobs with one due time.</summary>
    public long Timers { get; init; }
    public double TimerLeadSeconds { get; init; }

    /// <summary>Seconds between every timer job waiting and their due time (negative: some were still starting).</summary>
    public double TimersReadyBeforeDueSeconds { get; init; }
    public long LatenessSamples { get; init; }
    public double LatenessP50Us { get; init; }
    public double LatenessP99Us { get; init; }
    public double LatenessMaxUs { get; init; }
    public double FirstWakeUs { get; init; }
    public double DrainedAfterDueSeconds { get; init; }
    public long TimersSucceeded { get; init; }
    public long Early { get; init; }
    public double TimerPeakRssMiB { get; init; }
}
