using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Auth;

/// <summary>
/// Revoking a token by its id (RevokeToken over gRPC and its REST path): the very next call with it is refused on every
/// API — native gRPC and REST, both dialects, MCP — even though the server remembered the token as valid a moment
/// before; other tokens, and the same id in another organisation, are untouched.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TokenRevocationTests(ServerFixture fixture)
{
    private const string Revoked = "the token has been revoked";

    private async Task<CreateTokenResponse> MintAsync(string action = "exec", string subject = "Workflow") =>
        await fixture.Grpc().CreateTokenAsync(
            new CreateTokenRequest { Action = action, Subject = subject, ExpiresInMs = 3_600_000 },
            ServerFixture.Bearer(fixture.AdminToken),
            JobHelpers.Deadline());

    [Fact]
    public async Task RevokeToken_Grpc_NextCallRefusedOnEveryApi_OtherTokensStillWork()
    {
        var minted = await MintAsync();
        // Used first on every path, so the server has validated (and remembered) it.
        await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(minted.Token), JobHelpers.Deadline());
        using var rest = fixture.Rest(minted.Token);
        Assert.Equal(HttpStatusCode.OK, (await rest.GetJsonAsync("/v1/load")).Status);
        Assert.Equal(HttpStatusCode.OK, (await rest.GetJsonAsync("/developer/v2/apps/load")).Status);

        var revoked = await fixture.Grpc().RevokeTokenAsync(
            new RevokeTokenRequest { TokenId = minted.TokenId }, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline());

        Assert.Equal(minted.TokenId, revoked.TokenId);
        Assert.True(revoked.NewlyRevoked);
        // Unset expiry: kept as long as any token the server accepts may live (the default limit, 3650 days).
        Assert.InRange(revoked.ExpireTime.ToDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromDays(3649), TimeSpan.FromDays(3651));
        await AssertRefusedEverywhereAsync(minted.Token);

        // The admin token that revoked it, and a token minted alongside, still work.
        await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline());
        var other = await MintAsync();
        await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(other.Token), JobHelpers.Deadline());
    }

    [Fact]
    public async Task RevokeToken_RestPath_NextCallRefused_SecondRevokeNotNew()
    {
        var minted = await MintAsync();
        await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(minted.Token), JobHelpers.Deadline());
        var expiry = minted.ExpireTime.ToDateTimeOffset();
        using var admin = fixture.Rest(fixture.AdminToken);

        var response = await admin.PostJsonAsync(
            $"/v1/tokens/{minted.TokenId}:revoke", new JsonObject { ["expireTime"] = expiry.ToString("O") });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var body = JsonAssert.HasExactly(response.Json, "tokenId", "expireTime", "newlyRevoked");
        Assert.Equal(minted.TokenId, (string?)body["tokenId"]);
        Assert.True((bool)body["newlyRevoked"]!);
        // The token's own expiry, plus the clock skew its validation allows.
        Assert.Equal(expiry.AddSeconds(30), DateTimeOffset.Parse((string)body["expireTime"]!, System.Globalization.CultureInfo.InvariantCulture));
        await AssertRefusedEverywhereAsync(minted.Token);

        var again = await admin.PostJsonAsync($"/v1/tokens/{minted.TokenId}:revoke", new JsonObject());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.False(again.Object.TryGetPropertyValue("newlyRevoked", out var flag) && (bool)flag!);
    }

    [Fact]
    public async Task RevokeToken_OtherOrganisationsAdmin_DoesNotReachThisOrganisationsToken()
    {
        var minted = await MintAsync();

        var response = await fixture.Grpc().RevokeTokenAsync(
            new RevokeTokenRequest { TokenId = minted.TokenId }, ServerFixture.Bearer(fixture.AcmeToken), JobHelpers.Deadline());

        Assert.True(response.NewlyRevoked);
        await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(minted.Token), JobHelpers.Deadline());
        using var rest = fixture.Rest(minted.Token);
        Assert.Equal(HttpStatusCode.OK, (await rest.GetJsonAsync("/v1/load")).Status);
    }

    [Fact]
    public async Task RevokeToken_ExecToken_PermissionDenied_AndTheTokenStillWorks()
    {
        var minted = await MintAsync();

        await JobHelpers.ThrowsStatusAsync(StatusCode.PermissionDenied, () => fixture.Grpc().RevokeTokenAsync(
            new RevokeTokenRequest { TokenId = minted.TokenId }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline()).ResponseAsync);
        using var exec = fixture.Rest(fixture.ExecToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await exec.PostJsonAsync($"/v1/tokens/{minted.TokenId}:revoke", new JsonObject())).Status);

        await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(minted.Token), JobHelpers.Deadline());
    }

    [Fact]
    public async Task RevokeToken_BadIdOrExpiry_400NamingTheField()
    {
        var grpc = fixture.Grpc();
        var admin = ServerFixture.Bearer(fixture.AdminToken);

        var empty = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () =>
            grpc.RevokeTokenAsync(new RevokeTokenRequest(), admin, JobHelpers.Deadline()).ResponseAsync);
        Assert.Contains("token_id", empty.Status.Detail, StringComparison.Ordinal);
        var tooLong = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () =>
            grpc.RevokeTokenAsync(new RevokeTokenRequest { TokenId = new string('x', 201) }, admin, JobHelpers.Deadline()).ResponseAsync);
        Assert.Contains("token_id", tooLong.Status.Detail, StringComparison.Ordinal);
        var past = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () => grpc.RevokeTokenAsync(
            new RevokeTokenRequest { TokenId = "some-id", ExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)) },
            admin,
            JobHelpers.Deadline()).ResponseAsync);
        Assert.Contains("expire_time", past.Status.Detail, StringComparison.Ordinal);

        using var rest = fixture.Rest(fixture.AdminToken);
        var response = await rest.PostJsonAsync("/v1/tokens/some-id:revoke", new JsonObject { ["expireTime"] = "yesterday" });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
    }

    // Refused (401 with the reason) on native gRPC and REST, the developer dialect, the recipe dialect and MCP.
    private async Task AssertRefusedEverywhereAsync(string token)
    {
        var grpc = await JobHelpers.ThrowsStatusAsync(StatusCode.Unauthenticated, () =>
            fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(token), JobHelpers.Deadline()).ResponseAsync);
        Assert.Equal(Revoked, grpc.Status.Detail);
        await JobHelpers.ThrowsStatusAsync(StatusCode.Unauthenticated, () =>
            fixture.RunAsync(token, "digest", ("text", "must not run")));

        using var rest = fixture.Rest(token);
        foreach (var path in new[] { "/v1/load", "/v1/jobs", "/developer/v2/apps/load" })
        {
            var response = await rest.GetJsonAsync(path);
            Assert.True(response.Status == HttpStatusCode.Unauthorized, $"GET {path}: {response}");
            JsonAssert.IsError(response, Revoked);
        }

        // The recipe dialect writes its errors as {"error": message}.
        var recipes = await rest.GetJsonAsync("/api/v1/workflow/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, recipes.Status);
        Assert.Equal(Revoked, (string?)recipes.Object["error"]);

        var native = await rest.GetJsonAsync("/v1/load");
        Assert.Equal(16, (int)native.Object["code"]!);

        using var mcp = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", Encoding.UTF8, "application/json"),
        };
        mcp.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        mcp.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var mcpResponse = await rest.SendAsync(mcp);
        Assert.Equal(HttpStatusCode.Unauthorized, mcpResponse.StatusCode);
        Assert.Contains("invalid_token", mcpResponse.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }
}
