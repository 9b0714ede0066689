using Microsoft.AspNetCore.Http;

namespace Workflows.WebConsole.Internal;

/// <summary>The paths the console answers: its pages, the circuit's hub, and the framework's and its own static files.</summary>
internal static class ConsolePaths
{
    public static readonly PathString Pages = "/console";

    public static bool IsConsole(PathString path) =>
        path.StartsWithSegments(Pages) || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework")
        || path.StartsWithSegments("/_content/Workflows.WebConsole");
}
