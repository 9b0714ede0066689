using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Workflows.Security;
using Workflows.Server.Files;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Files;

/// <summary>
/// Files end to end: a picture passed as a launch variable is stored, comes back in the result and as an artifact,
/// and downloads only for its organisation or through a signed link.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class FileTests(ServerFixture fixture)
{
    private static readonly string[] OtherKinds = ["audio", "documents", "videos", "files"];
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A "PNG" of the given size: the signature and random bytes, so every test has its own file id.</summary>
    private static byte[] Png(int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        PngSignature.CopyTo(bytes, 0);
        return bytes;
    }

    private static string DataUrl(byte[] bytes) => "data:image/png;base64," + Convert.ToBase64String(bytes);

    private static string Fid(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void AssertFileObject(JsonNode? node, byte[] bytes, string url)
    {
        var file = JsonAssert.HasExactly(node, "fid", "fileName", "size", "mimeType", "fileType", "url");
        Assert.Equal(Fid(bytes), file["fid"]!.GetValue<string>());
        Assert.Equal($"file-{Fid(bytes)[..12]}.png", file["fileName"]!.GetValue<string>());
        Assert.Equal(bytes.Length, file["size"]!.GetValue<int>());
        Assert.Equal("image/png", file["mimeType"]!.GetValue<string>());
        Assert.Equal("image", file["fileType"]!.GetValue<string>());
        Assert.Equal(url, file["url"]!.GetValue<string>());
    }

    /// <summary>Runs the files app through dialect 1 with one image and returns the stored file object.</summary>
    private async Task<JsonObject> StoreThroughAppsRunAsync(byte[] bytes)
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var response = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "files",
            ["variables"] = new JsonObject { ["image"] = DataUrl(bytes) },
        });
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return response.Json["result"]!["photo"]!.AsObject();
    }

    private async Task<HttpResponseMessage> DownloadAsync(string path, string? token)
    {
        using var client = fixture.Rest(token);
        return await client.GetAsync(path);
    }

    private FileLinkSigner Links() => new(fixture.SigningKey, TimeProvider.System);

    [Fact]
    public async Task AppsRun_FiveMegabytePngDataUrl_ResultIsTheFileObjectAndDownloadsByteIdentical()
    {
        var bytes = Png(5 * 1000 * 1000);
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "files",
            ["variables"] = new JsonObject { ["image"] = DataUrl(bytes) },
        });

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString()[..Math.Min(300, response.Text.Length)]);
        AssertFileObject(response.Json["result"]!["photo"], bytes, "/v1/files/" + Fid(bytes));
        Assert.Null(response.Json["result"]!["images"]);
        // The job keeps the file object, not the 6 MB data URL.
        Assert.Equal(Fid(bytes), response.Json["thread"]!["variables"]!["image"]!["fid"]!.GetValue<string>());

        using var download = await DownloadAsync("/v1/files/" + Fid(bytes), fixture.ExecToken);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"file-{Fid(bytes)[..12]}.png", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Download_OtherOrganisationNoTokenOrBadToken_404And401()
    {
        var bytes = Png(1000);
        var file = await StoreThroughAppsRunAsync(bytes);
        var path = file["url"]!.GetValue<string>();

        using var acme = await DownloadAsync(path, fixture.AcmeToken);
        using var anonymous = await DownloadAsync(path, null);
        using var bad = await DownloadAsync(path, fixture.ExecToken[..^4] + "AAAA");
        using var unknown = await DownloadAsync("/v1/files/" + new string('0', 64), fixture.AdminToken);

        Assert.Equal(HttpStatusCode.NotFound, acme.StatusCode);
        Assert.Equal($$"""{"code":5,"message":"file '{{Fid(bytes)}}' not found"}""", await acme.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("""{"code":16,"message":"a bearer token is required in the Authorization header"}""", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task RecipeExec_ArgsImages_ResultsListTheFileUnderArtifactsImages()
    {
        var bytes = Png(200_000);
        using var client = fixture.Rest(fixture.ExecToken);

        var jobId = await client.ExecAsync("files", new JsonObject { ["images"] = new JsonArray(DataUrl(bytes)) });

        Assert.Equal("success", await client.PollUntilSettledAsync(jobId));
        var results = await client.ResultsAsync(jobId);
        Assert.True(results.Status == HttpStatusCode.OK, results.ToString());
        var artifacts = JsonAssert.HasExactly(results.Json["artifacts"], "images", "audio", "documents", "videos", "files");
        var absolute = fixture.RestUrl + "/v1/files/" + Fid(bytes);
        AssertFileObject(Assert.Single(artifacts["images"]!.AsArray()), bytes, absolute);
        Assert.All(OtherKinds, kind => Assert.Empty(artifacts[kind]!.AsArray()));
        // The result itself holds the file object as the workflow returned it.
        AssertFileObject(results.Json["objects"]![0]!["images"]![0], bytes, "/v1/files/" + Fid(bytes));

        using var download = await DownloadAsync(absolute, fixture.ExecToken);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GetJobResults_FileInResult_NativeArtifactsWithAbsoluteUrl()
    {
        var bytes = Png(3000);
        using var client = fixture.Rest(fixture.AdminToken);
        var run = await client.PostJsonAsync("/v1/runs", new JsonObject
        {
            ["appId"] = "files",
            ["variables"] = new JsonObject { ["image"] = Convert.ToBase64String(bytes) },
        });
        Assert.True(run.Status == HttpStatusCode.OK, run.ToString());
        var jobId = run.Json["job"]!["id"]!.GetValue<string>();

        var results = await client.GetJsonAsync($"/v1/jobs/{jobId}/results");

        Assert.True(results.Status == HttpStatusCode.OK, results.ToString());
        AssertFileObject(Assert.Single(results.Json["artifacts"]!.AsArray()), bytes, fixture.RestUrl + "/v1/files/" + Fid(bytes));
    }

    [Fact]
    public async Task AppsRun_NotAFile_400NamingTheVariable()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "files",
            ["variables"] = new JsonObject { ["image"] = "cat.png" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("launch variable 'image' is not a URL, a data: URL or base64", response.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignedLink_WithoutToken_WorksUntilItExpires()
    {
        var bytes = Png(2000);
        var fid = (await StoreThroughAppsRunAsync(bytes))["fid"]!.GetValue<string>();
        using var client = fixture.Rest(fixture.ExecToken);

        var minted = await client.GetJsonAsync($"/v1/files/{fid}/link?expiresIn=60");

        Assert.True(minted.Status == HttpStatusCode.OK, minted.ToString());
        var link = JsonAssert.HasExactly(minted.Json, "url", "expires");
        var url = link["url"]!.GetValue<string>();
        Assert.StartsWith($"{fixture.RestUrl}/v1/files/{fid}?org=default&expires=", url, StringComparison.Ordinal);
        using (var download = await DownloadAsync(url, null))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        }

        var expired = Links().CreateQuery("default", fid, DateTimeOffset.UtcNow.AddSeconds(-1));
        using var late = await DownloadAsync($"/v1/files/{fid}{expired}", null);
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.Equal("""{"code":7,"message":"this link has expired"}""", await late.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignedLink_Tampered_Forbidden()
    {
        var bytes = Png(2000);
        var fid = (await StoreThroughAppsRunAsync(bytes))["fid"]!.GetValue<string>();
        var query = Links().CreateQuery("default", fid, DateTimeOffset.UtcNow.AddHours(1));

        using var otherOrg = await DownloadAsync($"/v1/files/{fid}{query.Replace("org=default", "org=acme", StringComparison.Ordinal)}", null);
        using var longer = await DownloadAsync($"/v1/files/{fid}{query.Replace("&expires=", "&expires=9", StringComparison.Ordinal)}", null);
        using var otherFile = await DownloadAsync($"/v1/files/{new string('a', 64)}{query}", null);
        using var acmeLink = await DownloadAsync($"/v1/files/{fid}{Links().CreateQuery("acme", fid, DateTimeOffset.UtcNow.AddHours(1))}", null);

        Assert.Equal(HttpStatusCode.Forbidden, otherOrg.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, longer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherFile.StatusCode);
        // Validly signed for acme, which has no such file: the link grants nothing beyond its organisation.
        Assert.Equal(HttpStatusCode.NotFound, acmeLink.StatusCode);
    }

    [Fact]
    public async Task CreateLink_NoTokenOrOtherOrganisation_401And404()
    {
        var fid = (await StoreThroughAppsRunAsync(Png(500)))["fid"]!.GetValue<string>();

        using var anonymous = await DownloadAsync($"/v1/files/{fid}/link", null);
        using var acme = await DownloadAsync($"/v1/files/{fid}/link", fixture.AcmeToken);
        using var tooLong = await DownloadAsync($"/v1/files/{fid}/link?expiresIn=99999999", fixture.ExecToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, acme.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }
}
