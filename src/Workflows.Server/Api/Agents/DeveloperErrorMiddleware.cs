namespace Workflows.Server.Api.Agents;

/// <summary>
/// Under <c>/developer/v2</c>, error bodies carry string codes (<see cref="DeveloperErrors"/>): this rewrites the
/// numeric codes that transcoding, authentication and the rate limiter write. The dialect's answers are small JSON
/// documents, so buffering them is cheap; the upload PUT and the download of an upload are let through untouched.
/// </summary>
internal sealed class DeveloperErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(DeveloperErrors.Prefix) || HttpMethods.IsPut(context.Request.Method)
            || context.Request.Path.StartsWithSegments(UploadEndpoints.FilesPath))
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

        if (context.Response.StatusCode >= 400
            && DeveloperErrors.Rewrite(context.Response.StatusCode, buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } body)
        {
            context.Response.ContentLength = body.Length;
            context.Response.ContentType = "application/json; charset=utf-8";
            await original.WriteAsync(body);
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original);
    }
}
