namespace Workflows.Blocks.Files.Internal;

/// <summary>The coarse kind of a file, from its MIME type; the recipe dialect files artifacts by it.</summary>
internal static class FileTypes
{
    public const string Image = "image";
    public const string Audio = "audio";
    public const string Video = "video";
    public const string Document = "document";
    public const string File = "file";

    public static string FromMimeType(string mimeType) => mimeType switch
    {
        _ when mimeType.StartsWith("image/", StringComparison.Ordinal) => Image,
        _ when mimeType.StartsWith("audio/", StringComparison.Ordinal) => Audio,
        _ when mimeType.StartsWith("video/", StringComparison.Ordinal) => Video,
        _ when mimeType.StartsWith("text/", StringComparison.Ordinal) => Document,
        "application/pdf" or "application/json" or "application/rtf" or "application/msword" => Document,
        _ when mimeType.StartsWith("application/vnd.openxmlformats-officedocument.", StringComparison.Ordinal)
            || mimeType.StartsWith("application/vnd.ms-", StringComparison.Ordinal)
            || mimeType.StartsWith("application/vnd.oasis.opendocument.", StringComparison.Ordinal) => Document,
        _ => File,
    };
}
