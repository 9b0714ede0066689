using Microsoft.AspNetCore.Http;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// Security headers on every console response: a Content-Security-Policy that allows scripts from this origin only
/// (no inline script, no eval), connections to this origin only (the circuit's WebSocket), no framing; and no sniffing.
/// Inline styles stay allowed: the waterfall's bar widths are style attributes, and styles cannot run code.
/// </summary>
internal sealed class ConsoleSecurityHeaders(RequestDelegate next)
{
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        if (ConsolePaths.IsConsole(context.Request.Path))
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
        }

        return next(context);
    }
}
