using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Contracts.V1;
using Workflows.Security;
using Workflows.Engine.Storage;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Hostile;

/// <summary>
/// Forged, stale, foreign and scope-less tokens against every way of running or reading a job, over REST and gRPC:
/// each is refused with the status SPEC names (401 bad token, 403 out of scope, 404 for what the token may not see),
/// and none ever starts a job (the organisations' job counts do not move).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TokenAttackTests(ServerFixture fixture)
{
    /// <summary>Tokens that must not authenticate at all (401).</summary>
    public static TheoryData<string> Unauthenticated =>
    [
        "alg-none", "hs256-signed-with-rsa-public-key", "wrong-key", "expired", "not-yet-valid", "wrong-issuer", "wrong-audience",
        "tampered-payload",
    ];

    /// <summary>Valid tokens whose action allows nothing (403): no <c>act</c> claim, an unknown action, an empty one.</summary>
    public static TheoryData<string?> NoUsableScope => [null, "superuser", ""];

    private static string Segment(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static string Claims(string org = "default", string? act = "admin", string iss = TokenClaims.Issuer, string aud = TokenClaims.Audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = iss,
            ["aud"] = aud,
            ["org"] = org,
            ["sub"] = "Workflow",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now - 10,
            ["nbf"] = now - 10,
            ["exp"] = now + 3600,
        };
        if (act is not null)
        {
            claims["act"] = act;
        }

        return claims.ToJsonString();
    }

    /// <summary>A compact HS256 JWT over <paramref name="payload"/> signed with <paramref name="key"/>.</summary>
    private static string SignHs256(string payload, byte[] key)
    {
        var signingInput = Segment("""{"alg":"HS256","typ":"JWT"}""") + "." + Segment(payload);
        return signingInput + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput)));
    }

    private byte[] ServerKey => fixture.SigningKey;

    private string Forge(string attack)
    {
        switch (attack)
        {
            case "alg-none":
                return Segment("""{"alg":"none","typ":"JWT"}""") + "." + Segment(Claims()) + ".";
            case "hs256-signed-with-rsa-public-key":
                // Key confusion: a verifier that takes the algorithm from the token would check this HMAC with the
                // (public) RSA key's PEM text as the secret.
                using (var rsa = RSA.Create(2048))
                {
                    return SignHs256(Claims(), Encoding.UTF8.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()));
                }

            case "wrong-key":
                return SignHs256(Claims(), RandomNumberGenerator.GetBytes(64));
            case "expired":
                return fixture.TokenAt(DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromHours(1), action: "admin");
            case "not-yet-valid":
                return fixture.TokenAt(DateTimeOffset.UtcNow.AddHours(2), TimeSpan.FromHours(1), action: "admin");
            case "wrong-issuer":
                return SignHs256(Claims(iss: "someone-else"), ServerKey);
            case "wrong-audience":
                return SignHs256(Claims(aud: "another-service"), ServerKey);
            case "tampered-payload":
                // A valid exec token of acme with its payload rewritten to organisation default, signature kept.
                var parts = fixture.Token("acme", "exec").Split('.');
                var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
                payload["org"] = "default";
                payload["act"] = "admin";
                return parts[0] + "." + Segment(payload.ToJsonString()) + "." + parts[2];
            default:
                throw new ArgumentOutOfRangeException(nameof(attack), attack, null);
        }
    }

    private string TokenWithAction(string? act) =>
        new JsonWebTokenHandler().CreateToken(
            Claims(act: act),
            new SigningCredentials(new SymmetricSecurityKey(ServerKey), SecurityAlgorithms.HmacSha256));

    private async Task<int> JobCountAsync(string org)
    {
        var store = fixture.Services.GetRequiredService<IJobStore>();
        var count = 0;
        string? token = null;
        do
        {
            var page = await store.ListJobsAsync(new JobQuery(org, 500, token), CancellationToken.None);
            count += page.Jobs.Count;
            token = page.NextPageToken;
        }
        while (token is not null);
        return count;
    }

    /// <summary>Every way of starting the blog app, over REST (three dialects) and gRPC; returns the statuses seen.</summary>
    private async Task<List<(string Path, HttpStatusCode Status)>> TryToRunAsync(string token, string marker)
    {
        var variables = new JsonObject { ["topic"] = marker };
        using var client = fixture.Rest(token);
        var statuses = new List<(string, HttpStatusCode)>();
        foreach (var (path, body) in new (string, JsonObject)[]
        {
            ("/v1/runs", new JsonObject { ["appId"] = "blog", ["variables"] = variables.DeepClone() }),
            ("/developer/v2/apps/run", new JsonObject { ["appId"] = "blog", ["variables"] = variables.DeepClone() }),
            ("/developer/v2/workers/run", new JsonObject { ["workerId"] = "blog", ["variables"] = variables.DeepClone() }),
            ("/api/v1/workflow/exec", new JsonObject { ["workflow"] = "blog", ["args"] = variables.DeepClone() }),
        })
        {
            var response = await client.PostJsonAsync(path, body);
            Assert.True(response.Json is JsonObject, $"{path}: {response}");
            statuses.Add((path, response.Status));
        }

        return statuses;
    }

    private async Task<List<(string Path, HttpStatusCode Status)>> TryToReadAsync(string token, string jobId)
    {
        using var client = fixture.Rest(token);
        var statuses = new List<(string, HttpStatusCode)>();
        foreach (var path in new[] { $"/v1/jobs/{jobId}", $"/v1/jobs/{jobId}/results", $"/v1/jobs/{jobId}/deliveries", $"/api/v1/workflow/results?jobId={jobId}" })
        {
            statuses.Add((path, (await client.GetJsonAsync(path)).Status));
        }

        statuses.Add(($"/v1/jobs/{jobId}:cancel", (await client.PostJsonAsync($"/v1/jobs/{jobId}:cancel", new JsonObject())).Status));
        return statuses;
    }

    private async Task AssertGrpcAsync(string token, string jobId, StatusCode run, StatusCode read)
    {
        var client = fixture.Grpc();
        var auth = ServerFixture.Bearer(token);
        await JobHelpers.ThrowsStatusAsync(run, () => client.RunAsync(
            new RunRequest { AppId = "blog", Variables = JobHelpers.Vars(("topic", "grpc attack")) }, auth, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(read, () => client.GetJobAsync(new GetJobRequest { JobId = jobId }, auth, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(read, () => client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = jobId }, auth, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(read, () => client.CancelJobAsync(new CancelJobRequest { JobId = jobId }, auth, JobHelpers.Deadline()).ResponseAsync);
        using var watch = client.WatchJob(new WatchJobRequest { JobId = jobId }, auth, JobHelpers.Deadline());
        await JobHelpers.ThrowsStatusAsync(read, () => watch.ResponseStream.MoveNext(CancellationToken.None));
    }

    private static void AssertAll(IEnumerable<(string Path, HttpStatusCode Status)> statuses, HttpStatusCode expected) =>
        Assert.All(statuses, s => Assert.True(s.Status == expected, $"{s.Path}: {(int)s.Status}, expected {(int)expected}"));

    [Theory]
    [MemberData(nameof(Unauthenticated))]
    public async Task ForgedOrStaleToken_401OverRestAndGrpc_NothingRuns(string attack)
    {
        var token = Forge(attack);
        var ours = await fixture.RunBlogAsync(fixture.AdminToken, "target of " + attack);
        var before = (await JobCountAsync("default"), await JobCountAsync("acme"));

        AssertAll(await TryToRunAsync(token, attack), HttpStatusCode.Unauthorized);
        AssertAll(await TryToReadAsync(token, ours.Job.Id), HttpStatusCode.Unauthorized);
        await AssertGrpcAsync(token, ours.Job.Id, StatusCode.Unauthenticated, StatusCode.Unauthenticated);
        using (var client = fixture.Rest(token))
        {
            var load = await client.GetJsonAsync("/v1/load");
            Assert.Equal(HttpStatusCode.Unauthorized, load.Status);
            JsonAssert.IsError(load);
        }

        Assert.Equal(before, (await JobCountAsync("default"), await JobCountAsync("acme")));
    }

    [Fact]
    public async Task AnotherOrganisationsToken_OurJobNotFoundAndOurAppsUnknown_NothingRuns()
    {
        var ours = await fixture.RunBlogAsync(fixture.AdminToken, "target of acme");
        var before = (await JobCountAsync("default"), await JobCountAsync("acme"));

        // blog is an app of organisation default: for acme it does not exist.
        AssertAll(await TryToRunAsync(fixture.AcmeToken, "acme attack"), HttpStatusCode.NotFound);
        AssertAll(await TryToReadAsync(fixture.AcmeToken, ours.Job.Id), HttpStatusCode.NotFound);
        await AssertGrpcAsync(fixture.AcmeToken, ours.Job.Id, StatusCode.NotFound, StatusCode.NotFound);

        Assert.Equal(before, (await JobCountAsync("default"), await JobCountAsync("acme")));
        Assert.Equal(JobState.Succeeded, (await fixture.WaitForEndAsync(fixture.AdminToken, ours.Job.Id)).State);
    }

    [Fact]
    public async Task TokenForAnotherRecipe_403ToRun404ToRead_NothingRuns()
    {
        var digestOnly = fixture.Token("default", "exec", "digest");
        var ours = await fixture.RunBlogAsync(fixture.AdminToken, "target of digest token");
        var before = await JobCountAsync("default");

        AssertAll(await TryToRunAsync(digestOnly, "digest token attack"), HttpStatusCode.Forbidden);
        AssertAll(await TryToReadAsync(digestOnly, ours.Job.Id), HttpStatusCode.NotFound);
        await AssertGrpcAsync(digestOnly, ours.Job.Id, StatusCode.PermissionDenied, StatusCode.NotFound);

        Assert.Equal(before, await JobCountAsync("default"));
    }

    [Theory]
    [MemberData(nameof(NoUsableScope))]
    public async Task TokenWithoutUsableAction_403Everywhere_NothingRuns(string? act)
    {
        var token = TokenWithAction(act);
        var ours = await fixture.RunBlogAsync(fixture.AdminToken, "target of a scope-less token");
        var before = await JobCountAsync("default");

        AssertAll(await TryToRunAsync(token, "scope-less attack"), HttpStatusCode.Forbidden);
        AssertAll(await TryToReadAsync(token, ours.Job.Id), HttpStatusCode.Forbidden);
        await AssertGrpcAsync(token, ours.Job.Id, StatusCode.PermissionDenied, StatusCode.PermissionDenied);
        using var client = fixture.Rest(token);
        foreach (var path in new[] { "/v1/load", "/v1/jobs", "/v1/apps", "/developer/v2/workers/load", "/api/v1/workflow/jobs" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetJsonAsync(path)).Status);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync(
            "/v1/tokens", new JsonObject { ["action"] = "admin", ["subject"] = "Workflow", ["expiresInMs"] = 60000 })).Status);
        Assert.Equal(before, await JobCountAsync("default"));
    }
}
