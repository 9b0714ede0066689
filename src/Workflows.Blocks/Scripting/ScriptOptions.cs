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
}
