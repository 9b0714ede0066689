using Microsoft.Extensions.Logging;

namespace Workflows.WebConsole.Internal;

/// <summary>The console's log messages.</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No static web assets manifest for {Application}: the console is served without its stylesheet and script")]
    public static partial void NoStaticAssets(ILogger logger, string application);
}
