using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Files.Internal;

namespace Workflows.Blocks.Files;

/// <summary>
/// <see cref="IFileStore"/> on the local disk under <see cref="FileStoreOptions.RootPath"/>: blobs named by their
/// SHA-256 at <c>blobs/ab/&lt;fid&gt;</c>, shared by everyone who stores the same bytes, and each organisation's
/// metadata at <c>meta/&lt;org&gt;/&lt;fid&gt;.json</c>. Files are written to <c>tmp/</c> first and moved into place,
/// so a reader never sees half a file.
/// </summary>
public sealed class DiskFileStore(IOptions<FileStoreOptions> options, TimeProvider time) : IFileStore
{
    private const int BufferSize = 81_920;

    private string Root => Path.GetFullPath(options.Value.RootPath);

    /// <inheritdoc />
    public async Task<StoredFile> SaveAsync(string organizationId, string? fileName, Stream content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        ArgumentNullException.ThrowIfNull(content);
        var tmp = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(tmp);
        var temp = Path.Combine(tmp, Guid.NewGuid().ToString("N"));
        try
        {
            var (fid, size, head) = await CopyAsync(content, temp, options.Value.MaxFileBytes, cancellationToken);
            var mimeType = await MimeSniffer.DetectAsync(
                head, size, () => new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true), cancellationToken);

            // Bytes stored before stay and count as stored now (for retention); otherwise the temp file becomes the blob.
            if (!Touch(BlobPath(fid)))
            {
                MoveIntoPlace(temp, BlobPath(fid));
                _ = Touch(BlobPath(fid));
            }

            return await WriteMetadataAsync(StoredFiles.Describe(fid, organizationId, fileName, size, mimeType, time.GetUtcNow()), cancellationToken);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc />
    public async Task<StoredFile?> GetAsync(string organizationId, string fid, CancellationToken cancellationToken)
    {
        if (!FileObjects.IsFid(fid) || string.IsNullOrEmpty(organizationId))
        {
            return null;
        }

        var path = MetadataPath(organizationId, fid);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(organizationId, fid, bytes);
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(string organizationId, string fid, CancellationToken cancellationToken)
    {
        if (await GetAsync(organizationId, fid, cancellationToken) is null)
        {
            return null;
        }

        try
        {
            return new FileStream(BlobPath(fid), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A file's "last stored" time is its metadata file's write time, which <see cref="SaveAsync"/> sets on every store
    /// (also of bytes stored before). Blobs are deleted only when unreferenced and not stored since the cut-off either,
    /// so bytes being stored again meanwhile are kept.
    /// </remarks>
    public Task<int> DeleteStoredBeforeAsync(DateTimeOffset storedBefore, CancellationToken cancellationToken)
    {
        var cutoff = storedBefore.UtcDateTime;
        var deleted = 0;
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Enumerate(Path.Combine(Root, "meta"), "*.json"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (File.GetLastWriteTimeUtc(path) < cutoff && TryDelete(path))
            {
                deleted++;
            }
            else
            {
                referenced.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        foreach (var path in Enumerate(Path.Combine(Root, "blobs"), "*"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!referenced.Contains(Path.GetFileName(path)) && File.GetLastWriteTimeUtc(path) < cutoff)
            {
                TryDelete(path);
            }
        }

        // Leftovers of interrupted writes.
        foreach (var path in Enumerate(Path.Combine(Root, "tmp"), "*"))
        {
            if (File.GetLastWriteTimeUtc(path) < cutoff)
            {
                TryDelete(path);
            }
        }

        return Task.FromResult(deleted);
    }

    private static IEnumerable<string> Enumerate(string folder, string pattern) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, pattern, new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            : [];

    /// <summary>Marks a file as stored now (by this store's clock), for retention; false when it does not exist.</summary>
    private bool Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, time.GetUtcNow().UtcDateTime);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only retention reads it; at worst the file goes a little early.
            return true;
        }
    }

    private string BlobPath(string fid) => Path.Combine(Root, "blobs", fid[..2], fid);

    private string MetadataPath(string organizationId, string fid) =>
        Path.Combine(Root, "meta", OrganizationFolder.For(organizationId), fid + ".json");

    /// <summary>Copies the stream to <paramref name="path"/>, hashing and counting as it goes, and keeps the first bytes for sniffing.</summary>
    private static async Task<(string Fid, long Size, byte[] Head)> CopyAsync(Stream content, string path, long limit, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[MimeSniffer.HeadLength];
        var headLength = 0;
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                size += read;
                if (size > limit)
                {
                    throw new FileTooLargeException(limit);
                }

                hash.AppendData(buffer, 0, read);
                var toHead = Math.Min(read, head.Length - headLength);
                buffer.AsSpan(0, toHead).CopyTo(head.AsSpan(headLength));
                headLength += toHead;
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size, head[..headLength]);
    }

    /// <summary>Moves a finished temp file to its final name unless identical content is already there.</summary>
    private static void MoveIntoPlace(string temp, string target)
    {
        if (File.Exists(target))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(temp, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Someone stored the same content meanwhile: same name, same bytes.
        }
    }

    /// <summary>Records the organisation's metadata, unless it stored these bytes before: then the first record stands.</summary>
    private async Task<StoredFile> WriteMetadataAsync(StoredFile file, CancellationToken cancellationToken)
    {
        if (await GetAsync(file.OrganizationId, file.Fid, cancellationToken) is { } existing)
        {
            // Stored again: retention counts from now.
            _ = Touch(MetadataPath(file.OrganizationId, file.Fid));
            return existing;
        }

        var path = MetadataPath(file.OrganizationId, file.Fid);
        var temp = Path.Combine(Root, "tmp", Guid.NewGuid().ToString("N") + ".json");
        var json = new JsonObject
        {
            ["fileName"] = file.FileName,
            ["size"] = file.Size,
            ["mimeType"] = file.MimeType,
            ["fileType"] = file.FileType,
            ["createdAt"] = file.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        try
        {
            await File.WriteAllTextAsync(temp, json.ToJsonString(), cancellationToken);
            File.SetLastWriteTimeUtc(temp, time.GetUtcNow().UtcDateTime);
            MoveIntoPlace(temp, path);
        }
        finally
        {
            TryDelete(temp);
        }

        return await GetAsync(file.OrganizationId, file.Fid, cancellationToken) ?? file;
    }

    private static StoredFile? Parse(string organizationId, string fid, byte[] bytes)
    {
        try
        {
            // A damaged record is treated like a missing one rather than failing every answer that mentions it.
            return JsonNode.Parse(bytes) is JsonObject json
                && json["fileName"] is JsonValue name && name.TryGetValue<string>(out var fileName)
                && json["size"] is JsonValue sizeValue && sizeValue.TryGetValue<long>(out var size)
                && json["mimeType"] is JsonValue mime && mime.TryGetValue<string>(out var mimeType)
                && json["fileType"] is JsonValue type && type.TryGetValue<string>(out var fileType)
                && json["createdAt"] is JsonValue created && created.TryGetValue<string>(out var createdText)
                && DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var createdAt)
                ? new StoredFile(fid, organizationId, fileName, size, mimeType, fileType, createdAt)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            // Left in place; harmless (a leftover in tmp/, or retention tries again next time).
            return false;
        }
    }
}
