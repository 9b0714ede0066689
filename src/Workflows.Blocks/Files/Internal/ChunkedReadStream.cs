namespace Workflows.Blocks.Files.Internal;

/// <summary>
/// A read-only, seekable stream over a content's chunks in <see cref="IFileChunkStore"/>, fetching one chunk at a time
/// as it is read (so a large download holds one chunk in memory, and ranges skip the chunks before them).
/// </summary>
internal sealed class ChunkedReadStream(IFileChunkStore chunks, Guid contentId, int chunkSize, long length) : Stream
{
    private byte[]? _chunk;
    private int _chunkIndex = -1;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        var index = (int)(_position / chunkSize);
        if (index != _chunkIndex)
        {
            _chunk = await chunks.ReadFileChunkAsync(contentId, index, cancellationToken);
            var expected = (int)Math.Min(chunkSize, length - ((long)index * chunkSize));
            if (_chunk is null || _chunk.Length != expected)
            {
                throw new IOException("the file's bytes are gone (deleted by retention while being read)");
            }

            _chunkIndex = index;
        }

        var offset = (int)(_position - ((long)index * chunkSize));
        var count = Math.Min(buffer.Length, _chunk!.Length - offset);
        _chunk.AsMemory(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
