namespace Workflows.Blocks.Models;

/// <summary>
/// A model provider is not configured, refused a request, timed out or could not be reached. The message names the
/// provider and is meant for the caller: it never contains the API key.
/// </summary>
public sealed class ModelProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelProviderException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ModelProviderException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public ModelProviderException() { }
}
