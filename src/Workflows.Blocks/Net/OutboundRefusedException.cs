namespace Workflows.Blocks.Net;

/// <summary>
/// Thrown by the guarded connection when a host resolves only to addresses outbound requests may not reach.
/// <see cref="System.Net.Http.HttpClient"/> wraps it in an <see cref="HttpRequestException"/>.
/// </summary>
public sealed class OutboundRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboundRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public OutboundRefusedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public OutboundRefusedException() { }

    /// <summary>The refusal found in an exception or its inner exceptions, if any.</summary>
    public static OutboundRefusedException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OutboundRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
