using System.Net;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Developer;

[Collection(ServerCollection.Name)]
public sealed class DeveloperErrorTests(ServerFixture fixture)
{
    private async Task<RestResponse> RunRawAsync(string body, string? token = null, string path = "/developer/v2/apps/run")
    {
        using var client = fixture.Rest(token ?? fixture.ExecToken);
        return await client.SendJsonAsync(HttpMethod.Post, path, body);
    }

    [Theory]
    [InlineData("""{"variables":{"topic":"x"}}""", "appId")]
    [InlineData("""{"appId":"","variables":{"topic":"x"}}""", "appId")]
    [InlineData("""{"appId":"blog"}""", "topic")]
    [InlineData("""{"appId":"blog","variables":{"tone":"calm"}}""", "topic")]
    [InlineData("""{"appId":42}""", "appId")]
    [InlineData("""{"appId":"blog","variables":["topic","x"]}""", "variables")]
    [InlineData("""{"appId":"blog","variables":{"topic":"x"},"includeBillingCost":"yes"}""", "includeBillingCost")]
    [InlineData("""{"appId":"blog","variables":{"topic":"x"},"callbackUrl":"not a url"}""", "callbackUrl")]
    public async Task AppsRun_BadRequest_400NamingTheField(string body, string field)
    {
        var response = await RunRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        JsonAssert.IsError(response, field);
    }

    [Theory]
    [InlineData("""{"appId": "blog", """)]
    [InlineData("not json at all")]
    [InlineData("""["appId","blog"]""")]
    public async Task AppsRun_MalformedJson_400(string body)
    {
        var response = await RunRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        JsonAssert.IsError(response);
    }

    [Fact]
    public async Task WorkersRun_MissingWorkerId_400NamingIt()
    {
        var response = await RunRawAsync("""{"variables":{"topic":"x"}}""", path: "/developer/v2/workers/run");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        JsonAssert.IsError(response, "workerId");
    }

    [Theory]
    [InlineData("""{"appId":"no-such-app"}""", "no-such-app")]
    [InlineData("""{"appId":"blog","workflow":"no-such-workflow","variables":{"topic":"x"}}""", "no-such-workflow")]
    public async Task AppsRun_UnknownAppOrWorkflow_404(string body, string named)
    {
        var response = await RunRawAsync(body);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        JsonAssert.IsError(response, named);
    }

    [Fact]
    public async Task AppsRun_ExecTokenLimitedToAnotherRecipe_403()
    {
        var response = await RunRawAsync("""{"appId":"blog","variables":{"topic":"x"}}""", fixture.Token("default", "exec", "digest"));

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        JsonAssert.IsError(response, "blog");
    }

    [Fact]
    public async Task AppsRun_FailingWorkflow_Non2xxNamingTheTimeLimit()
    {
        var response = await RunRawAsync("""{"appId":"looping"}""");

        Assert.InRange((int)response.Status, 400, 599);
        JsonAssert.IsError(response, "500 ms");
    }

    [Fact]
    public async Task AppsRun_UnknownFieldsAreIgnored_200()
    {
        var response = await RunRawAsync("""{"appId":"blog","variables":{"topic":"extra"},"somethingNew":{"a":1}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: EXTRA", response.Json["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppsRun_ErrorBody_IsJsonWithCodeAndMessageOnly()
    {
        var response = await RunRawAsync("""{"appId":"no-such-app"}""");

        Assert.Equal("application/json", response.ContentType);
        var body = JsonAssert.HasAtLeast(response.Json, "code", "message");
        Assert.Equal("not_found", body["code"]!.GetValue<string>());
        Assert.IsType<JsonObject>(response.Json);
    }
}
