using System.Security.Cryptography;
using System.Text;
using Workflows.Blocks.Files;
using Workflows.Engine.Files;

namespace Workflows.Blocks.Tests.Files;

public sealed class DiskFileStoreTests : IDisposable
{
    private readonly FileStoreHarness _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task SaveAsync_Bytes_FidIsSha256AndBlobIsContentAddressed()
    {
        var bytes = Encoding.UTF8.GetBytes("hello files");

        var file = await _files.SaveAsync("default", bytes, "hello.txt");

        var fid = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(fid, file.Fid);
        Assert.Equal(bytes.Length, file.Size);
        Assert.Equal("hello.txt", file.FileName);
        Assert.Equal("default", file.OrganizationId);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(_files.Root, "blobs", fid[..2], fid)));
        Assert.Empty(_files.FilesUnder("tmp"));
    }

    [Fact]
    public async Task SaveAsync_SameBytesTwice_OneBlobAndFirstRecordStands()
    {
        var bytes = RandomNumberGenerator.GetBytes(1000);

        var first = await _files.SaveAsync("default", bytes, "first.bin");
        var second = await _files.SaveAsync("default", bytes, "second.bin");

        Assert.Equal(first, second);
        Assert.Equal("first.bin", second.FileName);
        Assert.Single(_files.FilesUnder("blobs"));
        Assert.Single(_files.FilesUnder("meta"));
    }

    [Fact]
    public async Task GetAndOpen_OtherOrganisation_SeesNothingUntilItStoresTheBytesItself()
    {
        var bytes = RandomNumberGenerator.GetBytes(100);
        var file = await _files.SaveAsync("acme", bytes, "secret.bin");

        Assert.Null(await _files.Store.GetAsync("default", file.Fid, CancellationToken.None));
        Assert.Null(await _files.Store.OpenReadAsync("default", file.Fid, CancellationToken.None));
        Assert.Equal(file, await _files.Store.GetAsync("acme", file.Fid, CancellationToken.None));

        var own = await _files.SaveAsync("default", bytes, "mine.bin");

        Assert.Equal(file.Fid, own.Fid);
        Assert.Equal("mine.bin", own.FileName);
        Assert.Equal("secret.bin", (await _files.Store.GetAsync("acme", file.Fid, CancellationToken.None))!.FileName);
        Assert.Single(_files.FilesUnder("blobs"));
    }

    [Fact]
    public async Task OpenReadAsync_StoredFile_ReturnsTheBytes()
    {
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        var file = await _files.SaveAsync("default", bytes);

        await using var stream = await _files.Store.OpenReadAsync("default", file.Fid, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);

        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task SaveAsync_PastTheLimit_StopsReadingAndKeepsNothing()
    {
        using var small = new FileStoreHarness(maxFileBytes: 100_000);
        var endless = new EndlessStream();

        var error = await Assert.ThrowsAsync<FileTooLargeException>(
            () => small.Store.SaveAsync("default", null, endless, CancellationToken.None));

        Assert.Equal(100_000, error.Limit);
        Assert.Equal("the file is larger than 100000 bytes", error.Message);
        Assert.InRange(endless.BytesRead, 100_001, 100_000 + 81_920);
        Assert.Empty(small.FilesUnder("tmp"));
        Assert.Empty(small.FilesUnder("blobs"));
        Assert.Empty(small.FilesUnder("meta"));
    }

    [Fact]
    public async Task SaveAsync_ExactlyTheLimit_IsStored()
    {
        using var small = new FileStoreHarness(maxFileBytes: 1000);

        var file = await small.SaveAsync("default", new byte[1000]);

        Assert.Equal(1000, file.Size);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("abc")]
    [InlineData("")]
    public async Task GetAsync_MalformedFid_Null(string fid)
    {
        await _files.SaveAsync("default", [1, 2, 3]);

        Assert.Null(await _files.Store.GetAsync("default", fid, CancellationToken.None));
        Assert.Null(await _files.Store.OpenReadAsync("default", fid, CancellationToken.None));
    }

    [Theory]
    [InlineData(null, "file-{fid12}.png")]
    [InlineData("", "file-{fid12}.png")]
    [InlineData("photos/../cat.png", "cat.png")]
    [InlineData("C:\\Users\\me\\dog.png", "dog.png")]
    [InlineData("a\"b\r\n.png", "ab.png")]
    [InlineData("..", "file-{fid12}.png")]
    public async Task SaveAsync_FileName_CleanedOrDerived(string? given, string expected)
    {
        var file = await _files.SaveAsync("default", MimeSamples.Png, given);

        Assert.Equal(expected.Replace("{fid12}", file.Fid[..12], StringComparison.Ordinal), file.FileName);
    }

    [Fact]
    public async Task SaveAsync_OrganisationIdsThatAreNotPlain_KeptApart()
    {
        var bytes = RandomNumberGenerator.GetBytes(10);
        await _files.SaveAsync("../Acme", bytes);

        var file = await _files.Store.GetAsync("../Acme", Convert.ToHexStringLower(SHA256.HashData(bytes)), CancellationToken.None);

        Assert.NotNull(file);
        Assert.Null(await _files.Store.GetAsync("acme", file.Fid, CancellationToken.None));
        Assert.All(_files.FilesUnder("meta"), path => Assert.StartsWith(Path.Combine(_files.Root, "meta"), path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ToJson_StoredFile_IsTheFileObject()
    {
        var file = await _files.SaveAsync("default", MimeSamples.Png, "cat.png");

        Assert.Equal(
            $$"""{"fid":"{{file.Fid}}","fileName":"cat.png","size":{{MimeSamples.Png.Length}},"mimeType":"image/png","fileType":"image","url":"/v1/files/{{file.Fid}}"}""",
            file.ToJson().ToJsonString());
    }
}
