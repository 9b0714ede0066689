namespace Workflows.Blocks.Files.Internal;

/// <summary>Cleans caller-given file names and derives one when there is none.</summary>
internal static class FileNames
{
    private const int MaxLength = 200;

    /// <summary>
    /// The last path segment of <paramref name="given"/> without control characters or quotes (it ends up in a
    /// Content-Disposition header), or a name derived from the id and MIME type.
    /// </summary>
    public static string Clean(string? given, string fid, string mimeType)
    {
        var name = given ?? "";
        var slash = name.LastIndexOfAny(['/', '\\']);
        name = new string(name[(slash + 1)..].Where(c => !char.IsControl(c) && c != '"').ToArray()).Trim();
        if (name.Length > MaxLength)
        {
            var extension = Path.GetExtension(name);
            name = extension.Length is > 0 and <= 16
                ? string.Concat(name.AsSpan(0, MaxLength - extension.Length), extension)
                : name[..MaxLength];
        }

        return name is "" or "." or ".." ? $"file-{fid[..12]}{MimeSniffer.Extension(mimeType)}" : name;
    }
}
