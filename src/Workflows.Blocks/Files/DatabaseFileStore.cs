using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Files.Internal;

namespace Workflows.Blocks.Files;

/// <summary>
/// <see cref="IFileStore"/> in the job store's database (<see cref="IFileChunkStore"/>), so every node sharing the
/// database serves every file: the bytes stream in as chunks of <see cref="ChunkSize"/> under a new content id, and
/// become the file (named by their SHA-256, shared by everyone who stores the same bytes) only when committed. The same
/// contract as <see cref="DiskFileStore"/>: size limit checked while streaming, content sniffed, first record stands,
/// retention by last-stored time.
/// </summary>
public sealed class DatabaseFileStore(IFileChunkStore chunks, IOptions<FileStoreOptions> options, TimeProvider time) : IFileStore
{
    /// <summary>The size of each stored chunk but the last: 256 KiB.</summary>
    public const int ChunkSize = 256 * 1024;

    /// <inheritdoc />
    public async Task<StoredFile> SaveAsync(string organizationId, string? fileName, Stream content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        ArgumentNullException.ThrowIfNull(content);
        var contentId = Guid.NewGuid();
        var committed = false;
        try
        {
            var (fid, size, head) = await WriteChunksAsync(content, contentId, options.Value.MaxFileBytes, cancellationToken);
            var mimeType = await MimeSniffer.DetectAsync(
                head, size, () => new ChunkedReadStream(chunks, contentId, ChunkSize, size), cancellationToken);

            var now = time.GetUtcNow();
            var file = StoredFiles.Describe(fid, organizationId, fileName, size, mimeType, now);
            var stored = await chunks.CommitFileAsync(contentId, ChunkSize, file, now, cancellationToken);
            committed = true;
            return stored;
        }
        finally
        {
            if (!committed)
            {
                await DiscardAsync(contentId);
            }
        }
    }

    /// <inheritdoc />
    public async Task<StoredFile?> GetAsync(string organizationId, string fid, CancellationToken cancellationToken) =>
        FileObjects.IsFid(fid) && !string.IsNullOrEmpty(organizationId)
            ? (await chunks.GetFileAsync(organizationId, fid, cancellationToken))?.File
            : null;

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(string organizationId, string fid, CancellationToken cancellationToken)
    {
        if (!FileObjects.IsFid(fid) || string.IsNullOrEmpty(organizationId)
            || await chunks.GetFileAsync(organizationId, fid, cancellationToken) is not { } found)
        {
            return null;
        }

        return new ChunkedReadStream(chunks, found.ContentId, found.ChunkSize, found.File.Size);
    }

    /// <inheritdoc />
    public Task<int> DeleteStoredBeforeAsync(DateTimeOffset storedBefore, CancellationToken cancellationToken) =>
        chunks.DeleteFilesStoredBeforeAsync(storedBefore, cancellationToken);

    /// <summary>Writes the stream as chunks, hashing and counting as it goes, and keeps the first bytes for sniffing.</summary>
    private async Task<(string Fid, long Size, byte[] Head)> WriteChunksAsync(
        Stream content, Guid contentId, long limit, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[MimeSniffer.HeadLength];
        var headLength = 0;
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (var index = 0; ; index++)
            {
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
                size += read;
                if (size > limit)
                {
                    throw new FileTooLargeException(limit);
                }

                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                var toHead = Math.Min(read, head.Length - headLength);
                buffer.AsSpan(0, toHead).CopyTo(head.AsSpan(headLength));
                headLength += toHead;
                await chunks.WriteFileChunkAsync(contentId, index, buffer.AsMemory(0, read), time.GetUtcNow(), cancellationToken);
                if (read < ChunkSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size, head[..headLength]);
    }

    private async Task DiscardAsync(Guid contentId)
    {
        try
        {
            // Not the caller's token: a cancelled upload is exactly the one whose chunks must go.
            await chunks.DiscardFileChunksAsync(contentId, CancellationToken.None);
        }
#pragma warning disable CA1031 // Retention removes whatever is left; the caller's own error is the one to report.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
