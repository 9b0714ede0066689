using Microsoft.AspNetCore.Components.Web;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// Interactive server rendering without prerendering: the token lives in the browser's sessionStorage, which only the
/// interactive circuit can read, so a prerendered page would have nothing to show but a flash of the sign-in form.
/// </summary>
internal static class ConsoleRenderMode
{
    public static readonly InteractiveServerRenderMode Server = new(prerender: false);
}
