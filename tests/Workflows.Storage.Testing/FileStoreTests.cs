using System.Security.Cryptography;
using System.Text;
using Workflows.Engine.Files;

namespace Workflows.Storage.Testing;

/// <summary>
/// The contract of <see cref="IFileStore"/> (as <see cref="Blocks.Files.DiskFileStore"/> set it), run against every
/// file store through a subclass: the disk store, and the database store over each job store. "Another node" is a
/// second store over the same place.
/// </summary>
public abstract class FileStoreTests : IAsyncLifetime
{
    /// <summary>The size limit the stores are created with.</summary>
    protected const long MaxBytes = 1024 * 1024;

    private readonly List<object> _opened = [];

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>The clock the stores record stored times with.</summary>
    protected ManualTime Time { get; } = new(StoreTestData.T0);

    /// <summary>The store under test.</summary>
    protected IFileStore Store { get; private set; } = null!;

    /// <summary>A new file store over an empty place of this test instance, with <see cref="MaxBytes"/> and <see cref="Time"/>.</summary>
    protected abstract Task<IFileStore> CreateStoreAsync();

    /// <summary>Another file store over the same place, as a second node opens it.</summary>
    protected abstract Task<IFileStore> OpenAnotherAsync();

    /// <summary>The store objects to dispose at the end (the job store under a database file store).</summary>
    protected void Owns(object disposable) => _opened.Add(disposable);

    /// <inheritdoc />
    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var owned in _opened.Distinct())
        {
            await Owned.DisposeAsync(owned);
        }
    }

    [Fact]
    public async Task Save_LargeFile_ReadsBackTheSameBytesThroughAnotherNode()
    {
        var bytes = RandomNumberGenerator.GetBytes(600 * 1024 + 7);

        var saved = await SaveAsync("org-a", "big.bin", bytes);
        var other = await OpenAnotherAsync();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), saved.Fid);
        Assert.Equal(bytes.Length, saved.Size);
        Assert.Equal("big.bin", saved.FileName);
        Assert.Equal("application/octet-stream", saved.MimeType);
        Assert.Equal(saved, await other.GetAsync("org-a", saved.Fid, Ct));
        Assert.Equal(bytes, await ReadAllAsync(other, "org-a", saved.Fid));
    }

    [Fact]
    public async Task OpenRead_SeekAndSmallReads_ReturnTheRightBytes()
    {
        var bytes = RandomNumberGenerator.GetBytes(300 * 1024);
        var saved = await SaveAsync("org-a", null, bytes);

        await using var stream = (await Store.OpenReadAsync("org-a", saved.Fid, Ct))!;
        Assert.True(stream.CanSeek);
        Assert.Equal(bytes.Length, stream.Length);
        stream.Seek(256 * 1024 - 10, SeekOrigin.Begin);
        var buffer = new byte[20];
        await stream.ReadExactlyAsync(buffer, Ct);

        Assert.Equal(bytes.AsSpan(256 * 1024 - 10, 20).ToArray(), buffer);
    }

    [Fact]
    public async Task Save_SameBytesTwice_FirstRecordStands()
    {
        var bytes = Encoding.UTF8.GetBytes("hello, files");
        var first = await SaveAsync("org-a", "first.txt", bytes);
        Time.Now += TimeSpan.FromMinutes(5);

        var second = await SaveAsync("org-a", "second.txt", bytes);

        Assert.Equal(first, second);
        Assert.Equal("first.txt", second.FileName);
        Assert.Equal("text/plain", second.MimeType);
        Assert.Equal("document", second.FileType);
    }

    [Fact]
    public async Task Get_OtherOrganizationOrMalformedId_ReturnsNull()
    {
        var saved = await SaveAsync("org-a", "a.txt", Encoding.UTF8.GetBytes("only for org-a"));

        Assert.Null(await Store.GetAsync("org-b", saved.Fid, Ct));
        Assert.Null(await Store.OpenReadAsync("org-b", saved.Fid, Ct));
        Assert.Null(await Store.GetAsync("org-a", "not-a-fid", Ct));
        Assert.Null(await Store.GetAsync("org-a", new string('0', 64), Ct));
    }

    [Fact]
    public async Task Save_SameBytesOtherOrganization_GetsItsOwnRecord()
    {
        var bytes = Encoding.UTF8.GetBytes("shared bytes");
        var a = await SaveAsync("org-a", "a.txt", bytes);

        var b = await SaveAsync("org-b", "b.txt", bytes);

        Assert.Equal(a.Fid, b.Fid);
        Assert.Equal("b.txt", b.FileName);
        Assert.Equal("org-b", b.OrganizationId);
        Assert.Equal(bytes, await ReadAllAsync(Store, "org-b", b.Fid));
    }

    [Fact]
    public async Task Save_PastTheLimit_ThrowsAndKeepsNothing()
    {
        var bytes = RandomNumberGenerator.GetBytes((int)MaxBytes + 1);

        await Assert.ThrowsAsync<FileTooLargeException>(() => SaveAsync("org-a", "big.bin", bytes));

        Assert.Null(await Store.GetAsync("org-a", Convert.ToHexStringLower(SHA256.HashData(bytes)), Ct));
        var atLimit = await SaveAsync("org-a", "limit.bin", bytes[..(int)MaxBytes]);
        Assert.Equal(MaxBytes, atLimit.Size);
    }

    [Fact]
    public async Task Save_Empty_StoresAnEmptyFile()
    {
        var saved = await SaveAsync("org-a", null, []);

        Assert.Equal(0, saved.Size);
        Assert.Empty(await ReadAllAsync(Store, "org-a", saved.Fid));
    }

    [Fact]
    public async Task Save_JsonAcrossChunks_IsSniffedAsJson()
    {
        var json = "[" + string.Join(',', Enumerable.Repeat("12345", 60_000)) + "]";

        var saved = await SaveAsync("org-a", "data", Encoding.UTF8.GetBytes(json));

        Assert.Equal("application/json", saved.MimeType);
    }

    [Fact]
    public async Task DeleteStoredBefore_DeletesOldRecordsAndKeepsNewerOnes()
    {
        var old = await SaveAsync("org-a", "old.txt", Encoding.UTF8.GetBytes("old bytes"));
        var shared = Encoding.UTF8.GetBytes("shared bytes");
        var sharedOld = await SaveAsync("org-a", "s.txt", shared);
        Time.Now = StoreTestData.T0.AddHours(2);
        var recent = await SaveAsync("org-a", "new.txt", Encoding.UTF8.GetBytes("new bytes"));
        await SaveAsync("org-b", "s.txt", shared);

        var deleted = await Store.DeleteStoredBeforeAsync(StoreTestData.T0.AddHours(1), Ct);

        Assert.Equal(2, deleted);
        Assert.Null(await Store.GetAsync("org-a", old.Fid, Ct));
        Assert.Null(await Store.OpenReadAsync("org-a", old.Fid, Ct));
        Assert.Null(await Store.GetAsync("org-a", sharedOld.Fid, Ct));
        Assert.Equal(Encoding.UTF8.GetBytes("new bytes"), await ReadAllAsync(Store, "org-a", recent.Fid));
        Assert.Equal(shared, await ReadAllAsync(Store, "org-b", sharedOld.Fid));
    }

    [Fact]
    public async Task DeleteStoredBefore_StoredAgainSinceTheCutoff_IsKept()
    {
        var bytes = Encoding.UTF8.GetBytes("stored twice");
        var saved = await SaveAsync("org-a", "x.txt", bytes);
        Time.Now = StoreTestData.T0.AddHours(2);
        await SaveAsync("org-a", "x.txt", bytes);

        Assert.Equal(0, await Store.DeleteStoredBeforeAsync(StoreTestData.T0.AddHours(1), Ct));

        Assert.Equal(bytes, await ReadAllAsync(Store, "org-a", saved.Fid));
    }

    private async Task<StoredFile> SaveAsync(string organizationId, string? fileName, byte[] bytes)
    {
        // A stream that hands out odd-sized pieces, as a network body does.
        await using var content = new TrickleStream(bytes);
        return await Store.SaveAsync(organizationId, fileName, content, Ct);
    }

    private static async Task<byte[]> ReadAllAsync(IFileStore store, string organizationId, string fid)
    {
        await using var stream = await store.OpenReadAsync(organizationId, fid, Ct) ?? throw new InvalidOperationException("no such file");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 10_007)], cancellationToken);
    }
}
