namespace Workflows.Blocks.Scripting;

/// <summary>Limits of the JavaScript sandbox that runs <c>script</c> blocks; bound from <c>Workflows:Scripts</c>.</summary>
public sealed class ScriptOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Workflows:Scripts";

    /// <summary>Wall-clock time one script may run, in milliseconds.</summary>
    public int TimeoutMs { get; set; } = 5000;

    /// <summary>Bytes one script may allocate.</summary>
    public long MemoryLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Deepest call stack a script may build.</summary>
    public int RecursionLimit { get; set; } = 256;

    /// <summary>Statements one script may execute.</summary>
    public int MaxStatements { get; set; } = 10_000_000;

    /// <summary>
    /// Scripts (and conditions) that run at once, each on a thread of its own outside the thread pool; more wait their
    /// turn (their time limit starts when they run). Bounded so a storm of CPU-bound scripts cannot take the threads
    /// that answer requests. Defaults to the number of processors.
    /// </summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;
}
