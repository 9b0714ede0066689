using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Developer;

[Collection(ServerCollection.Name)]
public sealed class DeveloperAuthTests(ServerFixture fixture)
{
    private const string RunBody = """{"appId":"blog","variables":{"topic":"auth"}}""";

    private async Task<RestResponse> RunAsync(string? token)
    {
        using var client = fixture.Rest(token);
        return await client.SendJsonAsync(HttpMethod.Post, "/developer/v2/apps/run", RunBody);
    }

    /// <summary>Base64url without padding, as JWT segments are written.</summary>
    private static string Segment(string json) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task AppsRun_NoToken_401()
    {
        var response = await RunAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response, "token");
    }

    [Fact]
    public async Task AppsRun_GarbageToken_401()
    {
        var response = await RunAsync("this-is-not-a-jwt");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response);
    }

    [Fact]
    public async Task AppsRun_ExpiredToken_401SayingExpired()
    {
        var expired = fixture.TokenAt(DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromHours(1));

        var response = await RunAsync(expired);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response, "expired");
    }

    [Fact]
    public async Task AppsRun_NotYetValidToken_401()
    {
        var future = fixture.TokenAt(DateTimeOffset.UtcNow.AddHours(2), TimeSpan.FromHours(1));

        var response = await RunAsync(future);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response, "not valid yet");
    }

    [Fact]
    public async Task AppsRun_TokenSignedWithAnotherKey_401()
    {
        var foreign = new TokenIssuer(RandomNumberGenerator.GetBytes(64), TimeProvider.System)
            .Create("default", "admin", "Workflow", TimeSpan.FromHours(1), []).Token;

        var response = await RunAsync(foreign);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response, "signature");
    }

    [Fact]
    public async Task AppsRun_AlgNoneToken_401()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unsigned = Segment("""{"alg":"none","typ":"JWT"}""") + "." + Segment(
            $$"""{"iss":"workflows","aud":"workflows","org":"default","act":"admin","sub":"Workflow","jti":"x","nbf":{{now - 10}},"exp":{{now + 3600}}}""") + ".";

        var response = await RunAsync(unsigned);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response);
    }

    [Fact]
    public async Task AppsRun_NonBearerScheme_401()
    {
        using var client = fixture.Rest(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");

        var response = await client.SendJsonAsync(HttpMethod.Post, "/developer/v2/apps/run", RunBody);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task WorkersLoad_NoToken_401WithCodeAndMessage()
    {
        using var client = fixture.Rest(null);

        var response = await client.GetJsonAsync("/developer/v2/workers/load");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response);
    }
}
