using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Server.Api;

/// <summary>
/// Dialect 2 clients read errors as <c>{"error": "..."}</c> (for example 404 <c>{"error": "Job not found"}</c>),
/// not transcoding's <c>{"code", "message"}</c>. This rewrites error bodies under /api/v1/workflow; its
/// responses are small and never streamed, so buffering them is cheap.
/// </summary>
internal sealed class RecipeErrorMiddleware(RequestDelegate next)
{
    public static readonly PathString Prefix = "/api/v1/workflow";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Prefix))
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode >= 400 && TryReadMessage(buffer, out var message))
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["error"] = message }, Auth.ErrorJson.Relaxed);
            context.Response.ContentLength = body.Length;
            context.Response.ContentType = "application/json; charset=utf-8";
            await original.WriteAsync(body);
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original);
    }

    private static bool TryReadMessage(MemoryStream buffer, out string message)
    {
        message = "";
        if (buffer.Length == 0)
        {
            return false;
        }

        try
        {
            var node = JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            message = node?["message"]?.GetValue<string>() ?? "";
            return message.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
