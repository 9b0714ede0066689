using Microsoft.Extensions.Time.Testing;
using System.Security.Cryptography;

namespace Workflows.Blocks.Tests.Files;

/// <summary>Retention of the disk store: records go by when they were last stored, bytes once nobody refers to them.</summary>
public sealed class DiskFileStoreRetentionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly FileStoreHarness _files;

    public DiskFileStoreRetentionTests() => _files = new FileStoreHarness(time: _clock);

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task DeleteStoredBeforeAsync_OldRecordsGoSharedBytesStayWhileReferenced()
    {
        var shared = RandomNumberGenerator.GetBytes(100);
        var onlyAcme = RandomNumberGenerator.GetBytes(100);
        var acmeShared = await _files.SaveAsync("acme", shared);
        var acmeOwn = await _files.SaveAsync("acme", onlyAcme);
        var other = await _files.SaveAsync("default", shared);

        // Ten days later `default` stores the same bytes again: its record counts from now.
        _clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(other, await _files.SaveAsync("default", shared));

        var deleted = await _files.Store.DeleteStoredBeforeAsync(T0.AddDays(5), CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Null(await _files.Store.GetAsync("acme", acmeShared.Fid, CancellationToken.None));
        Assert.Null(await _files.Store.GetAsync("acme", acmeOwn.Fid, CancellationToken.None));
        await using (var stream = await _files.Store.OpenReadAsync("default", other.Fid, CancellationToken.None))
        {
            Assert.NotNull(stream);
        }

        Assert.Equal([other.Fid], _files.FilesUnder("blobs").Select(Path.GetFileName));

        Assert.Equal(1, await _files.Store.DeleteStoredBeforeAsync(T0.AddDays(20), CancellationToken.None));
        Assert.Empty(_files.FilesUnder("blobs"));
        Assert.Empty(_files.FilesUnder("meta"));
    }

    [Fact]
    public async Task DeleteStoredBeforeAsync_NothingOld_KeepsEverything()
    {
        var file = await _files.SaveAsync("default", RandomNumberGenerator.GetBytes(10));

        Assert.Equal(0, await _files.Store.DeleteStoredBeforeAsync(T0, CancellationToken.None));
        Assert.Equal(file, await _files.Store.GetAsync("default", file.Fid, CancellationToken.None));
    }
}
