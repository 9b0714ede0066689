using Microsoft.Extensions.Logging;

namespace Workflows.Blocks.Net.Internal;

/// <summary>Log messages of the outbound guard. Never header values or URLs with their query: they may hold secrets.</summary>
internal static partial class OutboundLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound connection to {Host} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string host, string reason);
}
