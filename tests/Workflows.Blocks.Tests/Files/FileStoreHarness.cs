using Microsoft.Extensions.Options;
using Workflows.Blocks.Files;
using Workflows.Engine.Files;

namespace Workflows.Blocks.Tests.Files;

/// <summary>A real <see cref="DiskFileStore"/> in its own temporary folder, deleted on dispose.</summary>
public sealed class FileStoreHarness : IDisposable
{
    public FileStoreHarness(long maxFileBytes = FileStoreOptions.DefaultMaxFileBytes, TimeProvider? time = null)
    {
        Options = new FileStoreOptions { RootPath = Root, MaxFileBytes = maxFileBytes };
        Store = new DiskFileStore(Microsoft.Extensions.Options.Options.Create(Options), time ?? TimeProvider.System);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "wf-files-" + Guid.NewGuid().ToString("N"));

    public FileStoreOptions Options { get; }

    public DiskFileStore Store { get; }

    public Task<StoredFile> SaveAsync(string org, byte[] bytes, string? fileName = null) =>
        Store.SaveAsync(org, fileName, new MemoryStream(bytes), CancellationToken.None);

    /// <summary>Every file under a sub folder of the root (none when it does not exist).</summary>
    public string[] FilesUnder(string folder) =>
        Directory.Exists(Path.Combine(Root, folder)) ? Directory.GetFiles(Path.Combine(Root, folder), "*", SearchOption.AllDirectories) : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders eventually.
        }
    }
}

/// <summary>Endless bytes, counting how many were read: proves a limit is enforced while streaming.</summary>
public sealed class EndlessStream : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        buffer.AsSpan(offset, count).Fill((byte)'a');
        BytesRead += count;
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
