using Grpc.Core;
using Microsoft.Net.Http.Headers;
using Workflows.Engine.Files;
using Workflows.Engine.Jobs;
using Workflows.Server.Auth;

namespace Workflows.Server.Files;

/// <summary>
/// File downloads, outside gRPC because they answer raw bytes: <c>GET /v1/files/{fid}</c> with a bearer token of the
/// file's organisation or a signed link, and <c>GET /v1/files/{fid}/link</c> to mint such a link.
/// </summary>
internal static class FileEndpoints
{
    private static readonly TimeSpan DefaultLinkLifetime = TimeSpan.FromHours(1);

    /// <summary>Maps the download and link endpoints.</summary>
    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        // Anonymous at the routing level: a signed link needs no token, so the handler checks token-or-signature itself.
        app.MapGet("/v1/files/{fid}", DownloadAsync).AllowAnonymous();
        app.MapGet("/v1/files/{fid}/link", CreateLinkAsync);
        return app;
    }

    private static async Task<IResult> DownloadAsync(
        string fid, HttpContext http, IFileStore store, FileLinkSigner links, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        string organizationId;
        if (query.ContainsKey("sig"))
        {
            organizationId = query["org"].ToString();
            switch (links.Verify(organizationId, fid, query["expires"], query["sig"]))
            {
                case FileLinkSigner.Check.Expired:
                    return Error(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "this link has expired");
                case FileLinkSigner.Check.Invalid:
                    return Error(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "this link's signature is not valid");
            }
        }
        else
        {
            if (http.User.Identity?.IsAuthenticated != true)
            {
                var reason = http.Request.Headers.Authorization.Count == 0
                    ? "a bearer token is required in the Authorization header"
                    : "the token is not valid";
                return Error(StatusCode.Unauthenticated, StatusCodes.Status401Unauthorized, reason);
            }

            if (CallerOf(http) is not { } caller)
            {
                return Error(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "this token has no scope that allows this call");
            }

            organizationId = caller.OrganizationId;
        }

        var file = await store.GetAsync(organizationId, fid, cancellationToken);
        var content = file is null ? null : await store.OpenReadAsync(organizationId, fid, cancellationToken);
        if (file is null || content is null)
        {
            return NotFound(fid);
        }

        // Stored files are user content: never let a browser guess a more dangerous type than the sniffed one.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private";
        return TypedResults.File(
            content,
            ContentType(file.MimeType),
            file.FileName,
            lastModified: file.CreatedAt,
            entityTag: new EntityTagHeaderValue($"\"{file.Fid}\""),
            enableRangeProcessing: true);
    }

    /// <summary><c>?expiresIn=</c> seconds (default 3600, at most 7 days); answers <c>{"url", "expires"}</c>.</summary>
    private static async Task<IResult> CreateLinkAsync(
        string fid, HttpContext http, IFileStore store, FileLinkSigner links, JobArtifacts artifacts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CallerOf(http) is not { } caller)
        {
            return Error(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "this token has no scope that allows this call");
        }

        var lifetime = DefaultLinkLifetime;
        if (http.Request.Query.TryGetValue("expiresIn", out var given))
        {
            if (!int.TryParse(given, out var seconds) || seconds <= 0 || seconds > FileLinkSigner.MaxLifetime.TotalSeconds)
            {
                return Error(StatusCode.InvalidArgument, StatusCodes.Status400BadRequest,
                    $"expiresIn must be a number of seconds between 1 and {FileLinkSigner.MaxLifetime.TotalSeconds:0}");
            }

            lifetime = TimeSpan.FromSeconds(seconds);
        }

        if (await store.GetAsync(caller.OrganizationId, fid, cancellationToken) is null)
        {
            return NotFound(fid);
        }

        var expires = time.GetUtcNow() + lifetime;
        var url = artifacts.BaseUrl(http.Request) + FileObjects.UrlPath(fid) + links.CreateQuery(caller.OrganizationId, fid, expires);
        return Results.Json(new FileLink(url, expires.ToUnixTimeSeconds()), FileJson.Default.FileLink);
    }

    /// <summary>The caller when its token may read (exec or admin), otherwise null.</summary>
    private static Caller? CallerOf(HttpContext http)
    {
        try
        {
            var caller = Caller.From(http.User);
            caller.EnsureCanRead();
            return caller;
        }
        catch (EngineException)
        {
            return null;
        }
    }

    private static string ContentType(string mimeType) =>
        mimeType is "text/plain" or "application/json" ? mimeType + "; charset=utf-8" : mimeType;

    /// <summary>Another organisation's file and a file that does not exist look the same: nothing is revealed.</summary>
    private static IResult NotFound(string fid) =>
        Error(StatusCode.NotFound, StatusCodes.Status404NotFound, $"file '{(fid.Length <= 64 ? fid : fid[..64] + "…")}' not found");

    private static IResult Error(StatusCode code, int httpStatus, string message) =>
        Results.Json(new ErrorBody((int)code, message), ErrorJson.Relaxed, statusCode: httpStatus);
}

/// <summary>The answer of <c>GET /v1/files/{fid}/link</c>.</summary>
/// <param name="Url">The signed, absolute download URL.</param>
/// <param name="Expires">When it stops working, in seconds since the Unix epoch.</param>
internal sealed record FileLink(string Url, long Expires);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(FileLink))]
internal sealed partial class FileJson : System.Text.Json.Serialization.JsonSerializerContext;
