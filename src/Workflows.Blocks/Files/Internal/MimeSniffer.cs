using System.Buffers;
using System.Text.Json;

namespace Workflows.Blocks.Files.Internal;

/// <summary>
/// Tells a file's MIME type from its first bytes (magic numbers), never from what a caller claims: a caller could
/// otherwise label a script as an image.
/// </summary>
internal static class MimeSniffer
{
    /// <summary>How many leading bytes the sniffer looks at.</summary>
    public const int HeadLength = 8 * 1024;

    public const string OctetStream = "application/octet-stream";
    public const string PlainText = "text/plain";
    public const string Json = "application/json";

    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] EbmlMagic = [0x1A, 0x45, 0xDF, 0xA3];

    private static readonly SearchValues<byte> TextControl = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b).Where(b => b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B)), 0x7F]);

    /// <summary>
    /// The MIME type of content starting with <paramref name="head"/>; <paramref name="complete"/> says whether
    /// <paramref name="head"/> is all of it (a cut-off UTF-8 sequence at its end is then not text). JSON comes back as
    /// <see cref="PlainText"/>: telling it apart takes the whole content (<see cref="IsJsonAsync"/>).
    /// </summary>
    public static string Sniff(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.IsEmpty)
        {
            return OctetStream;
        }

        return Binary(head) ?? (IsText(head, complete) ? PlainText : OctetStream);
    }

    /// <summary>
    /// The MIME type of stored content of <paramref name="size"/> bytes starting with <paramref name="head"/>: sniffed from
    /// the head, and, when that says text that may be JSON, read whole again through <paramref name="reopen"/> to tell.
    /// </summary>
    public static async Task<string> DetectAsync(byte[] head, long size, Func<Stream> reopen, CancellationToken cancellationToken)
    {
        var mimeType = Sniff(head, complete: size == head.Length);
        if (mimeType == PlainText && MayBeJson(head))
        {
            await using var text = reopen();
            if (await IsJsonAsync(text, cancellationToken))
            {
                return Json;
            }
        }

        return mimeType;
    }

    /// <summary>Whether text starting with <paramref name="head"/> may be a JSON object or array.</summary>
    public static bool MayBeJson(ReadOnlySpan<byte> head)
    {
        head = head.StartsWith("\uFEFF"u8) ? head[3..] : head;
        var start = head.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && head[start] is (byte)'{' or (byte)'[';
    }

    /// <summary>Whether the whole of <paramref name="content"/> is one JSON document.</summary>
    public static async Task<bool> IsJsonAsync(Stream content, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(content, new JsonDocumentOptions { MaxDepth = 256 }, cancellationToken);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Binary(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith(PngMagic))
        {
            return "image/png";
        }

        if (b.StartsWith(JpegMagic))
        {
            return "image/jpeg";
        }

        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (b.Length >= 12 && b.StartsWith("RIFF"u8))
        {
            var form = b.Slice(8, 4);
            if (form.SequenceEqual("WEBP"u8))
            {
                return "image/webp";
            }

            if (form.SequenceEqual("WAVE"u8))
            {
                return "audio/wav";
            }
        }

        // "BM" alone would catch text starting "BMW"; a BMP header also has its reserved bytes 6..9 zero.
        if (b.Length >= 26 && b.StartsWith("BM"u8) && b.Slice(6, 4).IndexOfAnyExcept((byte)0) < 0)
        {
            return "image/bmp";
        }

        if (b.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (b.StartsWith("PK\x03\x04"u8) || b.StartsWith("PK\x05\x06"u8))
        {
            return Zip(b);
        }

        if (b.StartsWith("ID3"u8) || IsMpegAudioFrame(b))
        {
            return "audio/mpeg";
        }

        if (b.StartsWith("OggS"u8))
        {
            return "audio/ogg";
        }

        if (b.StartsWith("fLaC"u8))
        {
            return "audio/flac";
        }

        if (b.Length >= 12 && b.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = b.Slice(8, 4);
            return brand.SequenceEqual("qt  "u8) ? "video/quicktime"
                : brand.SequenceEqual("M4A "u8) || brand.SequenceEqual("M4B "u8) ? "audio/mp4"
                : "video/mp4";
        }

        if (b.StartsWith(EbmlMagic))
        {
            // Matroska's EBML header names its DocType; WebM is the restricted profile.
            return b[..Math.Min(b.Length, 64)].IndexOf("webm"u8) >= 0 ? "video/webm" : "video/x-matroska";
        }

        return null;
    }

    /// <summary>An MPEG audio frame header: 11 sync bits, then a layer other than "reserved" (which AAC's ADTS uses).</summary>
    private static bool IsMpegAudioFrame(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x06) != 0 && (b[2] & 0xF0) != 0xF0;

    /// <summary>Office Open XML files are ZIPs whose first entries name their part folders.</summary>
    private static string Zip(ReadOnlySpan<byte> b)
    {
        if (b.IndexOf("[Content_Types].xml"u8) < 0)
        {
            return "application/zip";
        }

        return b.IndexOf("word/"u8) >= 0 ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            : b.IndexOf("xl/"u8) >= 0 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            : b.IndexOf("ppt/"u8) >= 0 ? "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            : "application/zip";
    }

    private static bool IsText(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.IndexOfAny(TextControl) >= 0)
        {
            return false;
        }

        var status = Utf8Status(head, complete);
        return status == OperationStatus.Done || (!complete && status == OperationStatus.NeedMoreData);
    }

    private static OperationStatus Utf8Status(ReadOnlySpan<byte> head, bool complete)
    {
        var chars = ArrayPool<char>.Shared.Rent(head.Length);
        try
        {
            return System.Text.Unicode.Utf8.ToUtf16(head, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: complete);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>A file name extension for a MIME type, used when a file name has to be derived.</summary>
    public static string Extension(string mimeType) => mimeType switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/bmp" => ".bmp",
        "application/pdf" => ".pdf",
        "application/zip" => ".zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => ".docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => ".xlsx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => ".pptx",
        "audio/mpeg" => ".mp3",
        "audio/wav" => ".wav",
        "audio/ogg" => ".ogg",
        "audio/flac" => ".flac",
        "audio/mp4" => ".m4a",
        "video/mp4" => ".mp4",
        "video/quicktime" => ".mov",
        "video/webm" => ".webm",
        "video/x-matroska" => ".mkv",
        PlainText => ".txt",
        Json => ".json",
        _ => ".bin",
    };
}
