namespace Workflows.Engine.Storage;

/// <summary>
/// The store's write queue is full: the write was not queued. It passes once the queue drains, so callers retry later
/// (the host answers 429 / <c>RESOURCE_EXHAUSTED</c>; a job's runner sends its commit again).
/// </summary>
public sealed class StoreBusyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreBusyException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public StoreBusyException() : this("the store has too many writes queued; try again shortly") { }

    /// <summary>Creates the exception.</summary>
    public StoreBusyException(string message, Exception inner) : base(message, inner) { }
}
