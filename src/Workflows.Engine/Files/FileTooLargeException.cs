namespace Workflows.Engine.Files;

/// <summary>A file went past the configured size limit while it was being stored; nothing was kept.</summary>
public sealed class FileTooLargeException : Exception
{
    /// <summary>Creates the exception for a limit in bytes.</summary>
    public FileTooLargeException(long limit) : base($"the file is larger than {limit} bytes")
    {
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public FileTooLargeException() { }

    /// <summary>Creates the exception.</summary>
    public FileTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public FileTooLargeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long Limit { get; }
}
