using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Recipes;

[Collection(ServerCollection.Name)]
public sealed class RecipeExecTests(ServerFixture fixture)
{
    private static readonly string[] ArtifactKinds = ["images", "audio", "documents", "videos", "files"];

    /// <summary>Asserts the exact /results shape and returns its <c>job</c> part.</summary>
    private static JsonObject AssertResultsShape(RestResponse response, string jobId, string recipe)
    {
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        var body = JsonAssert.HasExactly(response.Json, "text", "objects", "artifacts", "job", "created");
        Assert.IsType<JsonArray>(body["text"]);
        Assert.IsType<JsonArray>(body["objects"]);
        var artifacts = JsonAssert.HasExactly(body["artifacts"], ArtifactKinds);
        Assert.All(ArtifactKinds, kind => Assert.Empty(Assert.IsType<JsonArray>(artifacts[kind])));
        Assert.Equal(JsonValueKind.Number, body["created"]!.GetValueKind());
        var created = DateTimeOffset.FromUnixTimeMilliseconds((long)body["created"]!.GetValue<double>());
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));
        var job = JsonAssert.HasExactly(body["job"], "userId", "jobId", "recipeId", "errors", "success");
        Assert.Equal(jobId, job["jobId"]!.GetValue<string>());
        Assert.Equal(recipe, job["recipeId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(job["userId"]!.GetValue<string>()));
        Assert.IsType<JsonArray>(job["errors"]);
        return body;
    }

    [Fact]
    public async Task Exec_PollThenResults_TextResultAndExactShape()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var jobId = await client.ExecAsync("blog", new JsonObject { ["topic"] = "recipes" });

        Assert.Equal("success", await client.PollUntilSettledAsync(jobId));
        var body = AssertResultsShape(await client.ResultsAsync(jobId), jobId, "blog");

        Assert.Equal("""["ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: RECIPES"]""", body["text"]!.ToJsonString());
        Assert.Empty(body["objects"]!.AsArray());
        Assert.True(body["job"]!["success"]!.GetValue<bool>());
        Assert.Empty(body["job"]!["errors"]!.AsArray());
    }

    [Fact]
    public async Task Exec_ArgsJsonKeys_BecomeLaunchVariables()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var jobId = await client.ExecAsync("blog", new JsonObject { ["json"] = new JsonObject { ["topic"] = "from json", ["tone"] = "calm" } });

        Assert.Equal("success", await client.PollUntilSettledAsync(jobId));
        var body = AssertResultsShape(await client.ResultsAsync(jobId), jobId, "blog");

        Assert.Equal("ASSISTANT WILL WRITE A CALM POST ABOUT: FROM JSON", body["text"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Exec_ObjectResult_InObjectsAndItsTextsInText()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var jobId = await client.ExecAsync("digest", new JsonObject { ["text"] = "alpha beta gamma" });

        Assert.Equal("success", await client.PollUntilSettledAsync(jobId));
        var body = AssertResultsShape(await client.ResultsAsync(jobId), jobId, "digest");

        var obj = JsonAssert.HasExactly(Assert.Single(body["objects"]!.AsArray()), "title", "summary", "stats");
        Assert.Equal("Alpha beta gamma", obj["title"]!.GetValue<string>());
        Assert.Contains("16 characters", body["text"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Exec_LoopingRecipe_EndsErrorWithLimitInErrors()
    {
        using var client = fixture.Rest(fixture.ExecToken);
        var jobId = await client.ExecAsync("looping");

        Assert.Equal("error", await client.PollUntilSettledAsync(jobId));
        var body = AssertResultsShape(await client.ResultsAsync(jobId), jobId, "looping");

        Assert.False(body["job"]!["success"]!.GetValue<bool>());
        Assert.Contains("500 ms", Assert.Single(body["job"]!["errors"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(body["text"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"args":{}}""", "workflow")]
    [InlineData("""{"workflow":"blog","args":{}}""", "topic")]
    [InlineData("""{"workflow":"blog","args":[1]}""", "args")]
    public async Task Exec_BadRequest_400ErrorNamingTheProblem(string body, string named)
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.SendJsonAsync(HttpMethod.Post, "/api/v1/workflow/exec", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var error = JsonAssert.HasExactly(response.Json, "error")["error"]!.GetValue<string>();
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_UnknownRecipe_404()
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/api/v1/workflow/exec", new JsonObject { ["workflow"] = "no-such-recipe" });

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        JsonAssert.HasExactly(response.Json, "error");
    }
}
