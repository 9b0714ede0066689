using Workflows.Engine.Files;

namespace Workflows.Blocks.Files.Internal;

/// <summary>The record of bytes a file store has just taken in, the same for every store.</summary>
internal static class StoredFiles
{
    /// <summary>
    /// The file <paramref name="organizationId"/> stored: the caller's name cleaned (or one derived), the type from the
    /// sniffed MIME type, created <paramref name="now"/> (the store keeps the first time if the bytes were there already).
    /// </summary>
    public static StoredFile Describe(string fid, string organizationId, string? fileName, long size, string mimeType, DateTimeOffset now) =>
        new(fid, organizationId, FileNames.Clean(fileName, fid, mimeType), size, mimeType, FileTypes.FromMimeType(mimeType), now);
}
