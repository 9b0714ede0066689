using Microsoft.Extensions.Logging;

namespace Workflows.Blocks.Models.Internal;

/// <summary>The model providers' log messages. They name providers, models and hosts, never keys.</summary>
internal static partial class ModelLog
{
    [LoggerMessage(1, LogLevel.Information, "Model provider '{Provider}': chat client for model '{Model}' at {Host}")]
    public static partial void ClientCreated(ILogger logger, string provider, string model, string host);

    [LoggerMessage(2, LogLevel.Warning, "Model provider '{Provider}': environment variable '{Variable}' named by ApiKeyEnv is not set")]
    public static partial void ApiKeyEnvMissing(ILogger logger, string provider, string variable);
}
