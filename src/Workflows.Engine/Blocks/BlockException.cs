namespace Workflows.Engine.Blocks;

/// <summary>A block failure with a message meant for the caller (no stack trace, no secrets).</summary>
public sealed class BlockException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlockException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public BlockException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public BlockException() { }
}
