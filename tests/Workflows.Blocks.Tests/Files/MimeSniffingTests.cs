using System.Text;
using Workflows.Blocks.Files.Internal;

namespace Workflows.Blocks.Tests.Files;

public sealed class MimeSniffingTests : IDisposable
{
    private readonly FileStoreHarness _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, byte[], string, string> Samples => new()
    {
        { "png", MimeSamples.Png, "image/png", "image" },
        { "jpeg", MimeSamples.Pad([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, .. "JFIF"u8]), "image/jpeg", "image" },
        { "gif87", MimeSamples.Pad("GIF87a"u8), "image/gif", "image" },
        { "gif89", MimeSamples.Pad("GIF89a"u8), "image/gif", "image" },
        { "webp", MimeSamples.Pad([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8]), "image/webp", "image" },
        { "bmp", MimeSamples.Pad([.. "BM"u8, 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0]), "image/bmp", "image" },
        { "pdf", MimeSamples.Pad("%PDF-1.7\n"u8), "application/pdf", "document" },
        { "zip", MimeSamples.Pad([.. "PK"u8, 3, 4, 20, 0, .. "notes.txt"u8]), "application/zip", "file" },
        { "empty zip", MimeSamples.Pad([.. "PK"u8, 5, 6]), "application/zip", "file" },
        { "docx", MimeSamples.Pad([.. "PK"u8, 3, 4, 20, 0, .. "[Content_Types].xml"u8, 0, .. "word/document.xml"u8], 200),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document" },
        { "xlsx", MimeSamples.Pad([.. "PK"u8, 3, 4, 20, 0, .. "[Content_Types].xml"u8, 0, .. "xl/workbook.xml"u8], 200),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document" },
        { "mp3 id3", MimeSamples.Pad([.. "ID3"u8, 4, 0, 0]), "audio/mpeg", "audio" },
        { "mp3 frame", MimeSamples.Pad([0xFF, 0xFB, 0x90, 0x64]), "audio/mpeg", "audio" },
        { "wav", MimeSamples.Pad([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVEfmt "u8]), "audio/wav", "audio" },
        { "ogg", MimeSamples.Pad("OggS\0\u0002"u8), "audio/ogg", "audio" },
        { "flac", MimeSamples.Pad("fLaC\0\0\0\u0022"u8), "audio/flac", "audio" },
        { "mp4", MimeSamples.Pad([0, 0, 0, 0x20, .. "ftypisom"u8, 0, 0, 2, 0]), "video/mp4", "video" },
        { "mov", MimeSamples.Pad([0, 0, 0, 0x14, .. "ftypqt  "u8]), "video/quicktime", "video" },
        { "m4a", MimeSamples.Pad([0, 0, 0, 0x20, .. "ftypM4A "u8]), "audio/mp4", "audio" },
        { "webm", MimeSamples.Pad([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, .. "webm"u8]), "video/webm", "video" },
        { "mkv", MimeSamples.Pad([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88, .. "matroska"u8]), "video/x-matroska", "video" },
        { "text", MimeSamples.Ascii("Dear diary,\n\ttoday I wrote a test.\r\n"), "text/plain", "document" },
        { "utf-8 text", MimeSamples.Ascii("Grüße, 世界 🌍"), "text/plain", "document" },
        { "text starting BM", MimeSamples.Ascii("BMW makes cars; this text is long enough to look like a header."), "text/plain", "document" },
        { "json object", MimeSamples.Ascii("""  {"a": [1, 2, {"b": null}]}  """), "application/json", "document" },
        { "json array", MimeSamples.Ascii("\uFEFF[1, 2, 3]"), "application/json", "document" },
        { "broken json", MimeSamples.Ascii("{\"a\": "), "text/plain", "document" },
        { "latin-1 text", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x6F, 0x69, 0x72], "application/octet-stream", "file" },
        { "binary", MimeSamples.Pad([0, 1, 2, 3, 0x7F]), "application/octet-stream", "file" },
        { "adts aac is not mp3", MimeSamples.Pad([0xFF, 0xF1, 0x50, 0x80]), "application/octet-stream", "file" },
        { "empty", [], "application/octet-stream", "file" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task SaveAsync_Content_MimeTypeAndFileTypeSniffed(string name, byte[] bytes, string mimeType, string fileType)
    {
        var file = await _files.SaveAsync("default", bytes, name + ".whatever");

        Assert.Equal(mimeType, file.MimeType);
        Assert.Equal(fileType, file.FileType);
    }

    [Fact]
    public async Task SaveAsync_TextCutMidCharacterAfterTheSniffedHead_StillText()
    {
        // The head ends inside a two-byte character; the rest of the file completes it.
        var text = new string('a', MimeSniffer.HeadLength - 1) + "é and more";

        var file = await _files.SaveAsync("default", Encoding.UTF8.GetBytes(text));

        Assert.Equal("text/plain", file.MimeType);
    }

    [Fact]
    public async Task SaveAsync_CallerNamesAnImage_ContentDecides()
    {
        var file = await _files.SaveAsync("default", MimeSamples.Ascii("<script>alert(1)</script>"), "cat.png");

        Assert.Equal("text/plain", file.MimeType);
        Assert.Equal("cat.png", file.FileName);
    }

    [Theory]
    [InlineData("image/svg+xml", "image")]
    [InlineData("audio/aac", "audio")]
    [InlineData("video/ogg", "video")]
    [InlineData("text/csv", "document")]
    [InlineData("application/pdf", "document")]
    [InlineData("application/msword", "document")]
    [InlineData("application/vnd.ms-excel", "document")]
    [InlineData("application/vnd.oasis.opendocument.text", "document")]
    [InlineData("application/vnd.openxmlformats-officedocument.presentationml.presentation", "document")]
    [InlineData("application/zip", "file")]
    [InlineData("application/octet-stream", "file")]
    public void FromMimeType_Kinds(string mimeType, string fileType) =>
        Assert.Equal(fileType, FileTypes.FromMimeType(mimeType));
}
