using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.IdentityModel.Tokens;
using Workflows.Contracts.V1;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Auth;

/// <summary>A server of its own that accepts tokens living at most one day.</summary>
public sealed class ShortLifetimeServerFixture : IAsyncLifetime
{
    public ServerFixture Server { get; } = ServerFixture.WithSettings(new Dictionary<string, string?>
    {
        ["Workflows:Auth:MaxTokenLifetime"] = "1.00:00:00",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// <c>Workflows:Auth:MaxTokenLifetime</c>: a validly signed token that lives longer (exp − iat, or exp − now without
/// iat) is refused with 401 and a message saying so, on gRPC and REST; CreateToken will not mint one.
/// </summary>
public sealed class MaxTokenLifetimeTests(ShortLifetimeServerFixture fixture) : IClassFixture<ShortLifetimeServerFixture>
{
    private ServerFixture Server => fixture.Server;

    [Fact]
    public async Task TokenLivingLongerThanTheMaximum_401OnGrpcAndRest_WithTheReason()
    {
        var token = Server.Tokens.Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromDays(2), []).Token;

        var grpc = await JobHelpers.ThrowsStatusAsync(StatusCode.Unauthenticated, () =>
            Server.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(token), JobHelpers.Deadline()).ResponseAsync);
        Assert.Equal("the token's lifetime (2 days) is longer than this server accepts (at most 1 day)", grpc.Status.Detail);

        using var rest = Server.Rest(token);
        var response = await rest.GetJsonAsync("/v1/load");
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        JsonAssert.IsError(response, "lifetime", "longer than this server accepts");
    }

    [Fact]
    public async Task TokenWithinTheMaximum_Accepted()
    {
        var token = Server.Tokens.Create("default", TokenClaims.ExecAction, "Workflow", TimeSpan.FromDays(1), []).Token;

        var load = await Server.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(token), JobHelpers.Deadline());

        Assert.Equal("default", load.Organization.Id);
    }

    [Fact]
    public async Task TokenWithoutIssuedAt_CountedFromNow_RefusedWhenItExpiresBeyondTheMaximum()
    {
        var key = Server.SigningKey;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var far = Server.Rest(Sign(key, now + (long)TimeSpan.FromDays(3).TotalSeconds));
        using var near = Server.Rest(Sign(key, now + 3600));

        var refused = await far.GetJsonAsync("/v1/load");
        var accepted = await near.GetJsonAsync("/v1/load");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        JsonAssert.IsError(refused, "lifetime");
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
    }

    [Fact]
    public async Task CreateToken_LongerThanTheMaximum_InvalidArgumentNamingExpiresInMs()
    {
        var error = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () => Server.Grpc().CreateTokenAsync(
            new CreateTokenRequest { Action = "exec", Subject = "Workflow", ExpiresInMs = (long)TimeSpan.FromDays(2).TotalMilliseconds },
            ServerFixture.Bearer(Server.AdminToken),
            JobHelpers.Deadline()).ResponseAsync);

        Assert.Contains("expires_in_ms must be at most 86400000", error.Status.Detail, StringComparison.Ordinal);
    }

    // An admin token of organisation default with no iat (and no nbf), expiring at exp.
    private static string Sign(byte[] key, long exp)
    {
        var claims = new JsonObject
        {
            ["iss"] = TokenClaims.Issuer,
            ["aud"] = TokenClaims.Audience,
            ["org"] = "default",
            ["act"] = "admin",
            ["sub"] = "Workflow",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["exp"] = exp,
        };
        var input = Segment("""{"alg":"HS256","typ":"JWT"}""") + "." + Segment(claims.ToJsonString());
        return input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(input)));
    }

    private static string Segment(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
