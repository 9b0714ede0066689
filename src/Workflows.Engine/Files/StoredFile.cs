using System.Text.Json.Nodes;

namespace Workflows.Engine.Files;

/// <summary>One organisation's view of a stored file: its content hash plus the metadata recorded when it was stored.</summary>
/// <param name="Fid">File id: the lowercase hex SHA-256 of the bytes.</param>
/// <param name="OrganizationId">The organisation that stored it.</param>
/// <param name="FileName">File name as given, or derived from the id and type.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="MimeType">MIME type sniffed from the content, never taken from the caller.</param>
/// <param name="FileType"><c>image</c>, <c>audio</c>, <c>video</c>, <c>document</c> or <c>file</c>.</param>
/// <param name="CreatedAt">When the organisation first stored these bytes.</param>
public sealed record StoredFile(
    string Fid,
    string OrganizationId,
    string FileName,
    long Size,
    string MimeType,
    string FileType,
    DateTimeOffset CreatedAt)
{
    /// <summary>The download path, relative to the service (<c>/v1/files/&lt;fid&gt;</c>).</summary>
    public string Url => FileObjects.UrlPath(Fid);

    /// <summary>The file object blocks and results see: <c>{"fid","fileName","size","mimeType","fileType","url"}</c>.</summary>
    public JsonObject ToJson() => new()
    {
        [FileObjects.FidProperty] = Fid,
        ["fileName"] = FileName,
        ["size"] = Size,
        ["mimeType"] = MimeType,
        ["fileType"] = FileType,
        ["url"] = Url,
    };
}
