namespace Workflows.Cli.Client;

/// <summary>A failure the command explains itself: its message is printed after <c>error: </c> and the process exits
/// with <see cref="ExitCode"/>.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException(int exitCode, string message, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    /// <summary>Creates the exception.</summary>
    public CliException() : this(ExitCodes.Failed, "failed") { }

    /// <summary>Creates the exception.</summary>
    public CliException(string message) : this(ExitCodes.Failed, message) { }

    /// <summary>Creates the exception.</summary>
    public CliException(string message, Exception inner) : this(ExitCodes.Failed, message, inner) { }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }
}
