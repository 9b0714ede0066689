using System.Net;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Developer;

[Collection(ServerCollection.Name)]
public sealed class DeveloperLoadTests(ServerFixture fixture)
{
    private static List<string> Strings(JsonNode? array) =>
        Assert.IsType<JsonArray>(array).Select(n => n!.GetValue<string>()).ToList();

    [Fact]
    public async Task AppsLoad_DefaultOrg_OrgIdAndName()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.GetJsonAsync("/developer/v2/apps/load");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("""{"orgId":"default","orgName":"Default Org"}""", response.Json.ToJsonString());
    }

    [Fact]
    public async Task AppsLoad_UnconfiguredOrganisation_NotFound()
    {
        using var client = fixture.Rest(fixture.Token("ghost-org", "admin"));

        var response = await client.GetJsonAsync("/developer/v2/apps/load");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        JsonAssert.IsError(response, "ghost-org");
    }

    [Fact]
    public async Task WorkersLoad_DefaultOrg_OrgAndAppsWithIdNameSlug()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.GetJsonAsync("/developer/v2/workers/load");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var body = JsonAssert.HasExactly(response.Json, "orgId", "orgName", "apps");
        Assert.Equal("default", body["orgId"]!.GetValue<string>());
        Assert.Equal("Default Org", body["orgName"]!.GetValue<string>());
        var apps = Assert.IsType<JsonArray>(body["apps"]);
        Assert.All(apps, a => JsonAssert.HasExactly(a, "id", "name", "slug"));
        var blog = Assert.Single(apps, a => a!["id"]!.GetValue<string>() == "blog");
        Assert.Equal("""{"id":"blog","name":"Blog Writer","slug":"blog-writer"}""", blog!.ToJsonString());
        Assert.Contains(apps, a => a!["id"]!.GetValue<string>() == "digest");
    }

    [Fact]
    public async Task WorkersLoad_AcmeToken_NoDefaultApps()
    {
        using var client = fixture.Rest(fixture.AcmeToken);

        var response = await client.GetJsonAsync("/developer/v2/workers/load");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("acme", response.Json["orgId"]!.GetValue<string>());
        Assert.Equal("Acme", response.Json["orgName"]!.GetValue<string>());
        Assert.DoesNotContain(response.Json["apps"]!.AsArray(), a => a!["id"]!.GetValue<string>() is "blog" or "digest");
    }

    [Fact]
    public async Task WorkerWorkflows_Digest_VariablesAndOutputVariables()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.GetJsonAsync("/developer/v2/workers/digest/workflows");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var body = JsonAssert.HasExactly(response.Json, "workflows");
        var workflow = JsonAssert.HasExactly(Assert.Single(body["workflows"]!.AsArray()), "id", "name", "slug", "launchVariables", "outputVariables");
        Assert.Equal("main", workflow["id"]!.GetValue<string>());
        Assert.Equal("main", workflow["slug"]!.GetValue<string>());
        Assert.Equal("Digest a text", workflow["name"]!.GetValue<string>());
        Assert.Equal(["text", "words"], Strings(workflow["launchVariables"]).Order(StringComparer.Ordinal));
        Assert.Equal(["stats", "summary", "title"], Strings(workflow["outputVariables"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WorkerWorkflows_Blog_TextOutputHasNoOutputVariables()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.GetJsonAsync("/developer/v2/workers/blog/workflows");

        var workflow = Assert.Single(response.Json["workflows"]!.AsArray());
        Assert.Equal(["topic", "tone"], Strings(workflow!["launchVariables"]));
        Assert.Empty(Strings(workflow["outputVariables"]));
    }

    [Fact]
    public async Task WorkerWorkflows_UnknownWorker_NotFound()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.GetJsonAsync("/developer/v2/workers/no-such-worker/workflows");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        JsonAssert.IsError(response, "no-such-worker");
    }
}
