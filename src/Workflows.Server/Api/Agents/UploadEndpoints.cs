using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;
using Workflows.Engine.Files;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Auth;
using Workflows.Server.Files;

namespace Workflows.Server.Api.Agents;

/// <summary>
/// <c>POST /developer/v2/account/upload</c> answers <c>{"uploadUrl", "url"}</c>: a PUT of the bytes to the signed,
/// expiring <c>uploadUrl</c> (no Authorization) stores them as a file of the caller's organisation, and <c>url</c>
/// then downloads that file with a token of the organisation. The upload id names the file through a stored handle,
/// because a file's id is the hash of bytes not yet sent when the URLs are made.
/// </summary>
internal static partial class UploadEndpoints
{
    /// <summary>Where uploads are put and read.</summary>
    public static readonly PathString FilesPath = "/developer/v2/uploads";

    /// <summary>How long <c>url</c> keeps naming the uploaded file (the file itself follows file retention).</summary>
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromDays(365);

    public static void Map(RouteGroupBuilder v2)
    {
        v2.MapPost("/account/upload", CreateAsync);
        v2.MapPut("/uploads/{uploadId}", PutAsync).AllowAnonymous();
        v2.MapGet("/uploads/{uploadId}", DownloadAsync);
    }

    private static Task<IResult> CreateAsync(HttpContext http, UploadLinks links, JobArtifacts artifacts, TimeProvider time, CancellationToken cancellationToken) =>
        AgentEndpoints.AnswerAsync(http, async () =>
        {
            var caller = Caller.From(http.User);
            caller.EnsureCanRead();
            var body = await AgentJson.ReadObjectAsync(http.Request, cancellationToken);
            var extension = (AgentJson.String(body, "extension") ?? "").TrimStart('.');
            if (!Extension().IsMatch(extension))
            {
                throw new EngineException(EngineErrorKind.InvalidArgument, "field 'extension' must be 1 to 16 letters or digits, such as \"png\"");
            }

            _ = AgentJson.String(body, "type");
            var uploadId = $"{System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24))}.{extension.ToLowerInvariant()}";
            var baseUrl = artifacts.BaseUrl(http.Request) + FilesPath + "/" + uploadId;
            var query = links.Signer.CreateQuery(caller.OrganizationId, uploadId, time.GetUtcNow() + UploadLinks.Lifetime);
            return AgentJson.Result(new JsonObject { ["uploadUrl"] = baseUrl + query, ["url"] = baseUrl });
        });

    private static async Task<IResult> PutAsync(
        string uploadId, HttpContext http, UploadLinks links, IFileStore files, IJobStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var organizationId = query["org"].ToString();
        switch (links.Signer.Verify(organizationId, uploadId, query["expires"], query["sig"]))
        {
            case FileLinkSigner.Check.Expired:
                return DeveloperErrors.Result(StatusCodes.Status403Forbidden, "this upload URL has expired");
            case FileLinkSigner.Check.Invalid:
                return DeveloperErrors.Result(StatusCodes.Status403Forbidden, "this upload URL's signature is not valid");
        }

        StoredFile file;
        try
        {
            file = await files.SaveAsync(organizationId, "upload-" + uploadId, http.Request.Body, cancellationToken);
        }
        catch (FileTooLargeException ex)
        {
            return DeveloperErrors.Result(StatusCodes.Status413PayloadTooLarge, ex.Message);
        }

        var now = time.GetUtcNow();
        await store.PutHandleAsync(new Handle(UploadKey(uploadId), organizationId, file.Fid, now + UrlLifetime), now, cancellationToken);
        return Results.Ok();
    }

    private static Task<IResult> DownloadAsync(string uploadId, HttpContext http, IFileStore files, IJobStore store, TimeProvider time, CancellationToken cancellationToken) =>
        AgentEndpoints.AnswerAsync(http, async () =>
        {
            var caller = Caller.From(http.User);
            caller.EnsureCanRead();
            var handle = await store.GetHandleAsync(UploadKey(uploadId), time.GetUtcNow(), cancellationToken);
            // Another organisation's upload and one never made look the same.
            var file = handle is not null && handle.OrganizationId == caller.OrganizationId
                ? await files.GetAsync(caller.OrganizationId, handle.Target, cancellationToken)
                : null;
            var content = file is null ? null : await files.OpenReadAsync(caller.OrganizationId, file.Fid, cancellationToken);
            if (file is null || content is null)
            {
                return DeveloperErrors.Result(StatusCodes.Status404NotFound, "upload not found (never put, or expired)");
            }

            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "private";
            return TypedResults.File(content, file.MimeType, file.FileName, entityTag: new EntityTagHeaderValue($"\"{file.Fid}\""), enableRangeProcessing: true);
        });

    private static string UploadKey(string uploadId) =>
        "upload:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uploadId)));

    [GeneratedRegex("^[A-Za-z0-9]{1,16}$")]
    private static partial Regex Extension();
}
