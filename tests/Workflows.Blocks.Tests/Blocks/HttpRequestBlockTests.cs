using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Blocks.Net;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Blocks.Tests.Net;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class HttpRequestBlockTests
{
    /// <summary>The engine's outbound registration, with short retry delays and the given allow list.</summary>
    private static ServiceProvider Services(params string[] allow) =>
        TestBlockServices.Provider(services => services.Configure<OutboundOptions>(o =>
        {
            o.Allow = allow;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
            o.MaxResponseBytes = 64 * 1024;
        }));

    private static BlockTestFixture Fixture(IServiceProvider services, string url) =>
        new BlockTestFixture(TestBlockServices.Create<HttpRequestBlock>(services), "http_request").WithParameter("url", url);

    private static Task Json(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    [Fact]
    public async Task ExecuteAsync_JsonResponse_OutputsStatusHeadersAndParsedBody()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.Headers["X-Trace"] = "abc";
            return Json(context, """{"name":"owl","legs":2}""");
        });
        await using var services = Services("127.0.0.1");

        var result = await Fixture(services, server.Url + "/animal").ExecuteAsync();

        var output = result.Output!.AsObject();
        Assert.Equal(200, output["status"]!.GetValue<int>());
        Assert.Equal("abc", output["headers"]!["x-trace"]!.GetValue<string>());
        Assert.StartsWith("application/json", output["headers"]!["content-type"]!.GetValue<string>());
        Assert.Equal("owl", output["body"]!["name"]!.GetValue<string>());
        Assert.Equal(2, output["body"]!["legs"]!.GetValue<int>());
        Assert.Equal("GET", server.Requests.Single().Method);
    }

    [Fact]
    public async Task ExecuteAsync_TextResponse_KeepsText()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync("{not json, just text}"));
        await using var services = Services("127.0.0.1");

        var result = await Fixture(services, server.Url).ExecuteAsync();

        Assert.Equal("{not json, just text}", result.Output!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_Templates_RenderUrlHeadersQueryAndTextBody()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync("ok"));
        await using var services = Services("127.0.0.1");
        var fixture = Fixture(services, "{{$launchVariables->base}}/items/{{ item.id }}?fixed=1")
            .WithLaunchVariable("base", server.Url)
            .WithLaunchVariable("name", "Ada")
            .WithOutput("item", new JsonObject { ["id"] = 42, ["key"] = "s3cret-value" })
            .WithParameter("method", "post")
            .WithParameter("headers", new JsonObject { ["X-Api-Key"] = "{{ item.key }}", ["X-Count"] = 3 })
            .WithParameter("query", new JsonObject { ["q"] = "a b&c={{$launchVariables->name}}", ["page"] = 2 })
            .WithParameter("body", "hello {{$launchVariables->name}}");

        await fixture.ExecuteAsync();

        var request = server.Requests.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/items/42", request.Path);
        Assert.Equal("?fixed=1&q=a%20b%26c%3DAda&page=2", request.Query);
        Assert.Equal("s3cret-value", request.Headers["X-Api-Key"]);
        Assert.Equal("3", request.Headers["X-Count"]);
        Assert.Equal("hello Ada", request.Body);
        Assert.Equal("text/plain; charset=utf-8", request.Headers["Content-Type"]);
        Assert.DoesNotContain(fixture.Logs, line => line.Contains("s3cret", StringComparison.Ordinal));
        Assert.Contains(fixture.Logs, line => line.StartsWith($"POST {server.Url} → 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_ObjectBody_IsSentAsJsonWithValuesKeptWhole()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => Json(context, """{"ok":true}"""));
        await using var services = Services("127.0.0.1");
        var fixture = Fixture(services, server.Url)
            .WithLaunchVariable("topic", "owls")
            .WithOutput("draft", new JsonObject { ["words"] = 120 })
            .WithParameter("method", "PUT")
            .WithParameter("body", new JsonObject { ["topic"] = "{{$launchVariables->topic}}", ["draft"] = "{{draft}}", ["tags"] = new JsonArray("a", 1) });

        await fixture.ExecuteAsync();

        var request = server.Requests.Single();
        Assert.Equal("PUT", request.Method);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"topic":"owls","draft":{"words":120},"tags":["a",1]}"""),
            JsonNode.Parse(request.Body)));
    }

    [Fact]
    public async Task ExecuteAsync_ContentTypeHeader_IsUsedForAStringBody()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync("ok"));
        await using var services = Services("127.0.0.1");

        await Fixture(services, server.Url)
            .WithParameter("method", "POST")
            .WithParameter("headers", new JsonObject { ["Content-Type"] = "application/xml" })
            .WithParameter("body", "<a/>")
            .ExecuteAsync();

        Assert.Equal("application/xml", server.Requests.Single().Headers["Content-Type"]);
        Assert.Equal("<a/>", server.Requests.Single().Body);
    }

    [Fact]
    public async Task ExecuteAsync_TwoFailuresThenSuccess_SucceedsWithTwoRetries()
    {
        await using var server = await LoopbackServer.StartAsync((context, n) =>
            n < 2 ? Json(context, """{"error":"busy"}""", 503) : Json(context, """{"done":true}"""));
        await using var services = Services("127.0.0.1");
        var fixture = Fixture(services, server.Url).WithParameter("retries", 2);

        var result = await fixture.ExecuteAsync();

        Assert.True(result.Output!["body"]!["done"]!.GetValue<bool>());
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, fixture.Logs.Count(line => line.Contains("failed (HTTP 503); retrying in", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ExecuteAsync_ServerErrorWithoutRetries_FailsWithStatusHostAndBody()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 503;
            return context.Response.WriteAsync("down for maintenance");
        });
        await using var services = Services("127.0.0.1");

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture(services, server.Url).ExecuteAsync());

        Assert.Equal("HTTP 503 from 127.0.0.1: down for maintenance", e.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_NotFoundWithFailOnErrorFalse_OutputsTheAnswer()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 404;
            return context.Response.WriteAsync("no such page");
        });
        await using var services = Services("127.0.0.1");

        var result = await Fixture(services, server.Url).WithParameter("failOnError", false).ExecuteAsync();

        Assert.Equal(404, result.Output!["status"]!.GetValue<int>());
        Assert.Equal("no such page", result.Output!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_NotFound_IsNotRetriedAndQuotesTheFirst200Characters()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 404;
            return context.Response.WriteAsync(new string('x', 1000));
        });
        await using var services = Services("127.0.0.1");

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture(services, server.Url).WithParameter("retries", 3).ExecuteAsync());

        Assert.Equal("HTTP 404 from 127.0.0.1: " + new string('x', 200), e.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_TooManyRequestsWithRetryAfter_WaitsThatLong()
    {
        await using var server = await LoopbackServer.StartAsync((context, n) =>
        {
            if (n == 0)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("ok");
        });
        await using var services = Services("127.0.0.1");

        var result = await Fixture(services, server.Url).WithParameter("retries", 1).ExecuteAsync();

        Assert.Equal("ok", result.Output!["body"]!.GetValue<string>());
        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        // The retry delay is 10 ms; only Retry-After explains a second's wait.
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(950), $"waited {requests[1].At - requests[0].At}");
    }

    [Fact]
    public async Task ExecuteAsync_SlowTarget_TimesOut()
    {
        var never = new TaskCompletionSource();
        await using var server = await LoopbackServer.StartAsync((context, _) => never.Task.WaitAsync(context.RequestAborted));
        await using var services = Services("127.0.0.1");
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<BlockException>(() =>
            Fixture(services, server.Url).WithParameter("timeout", "300ms").WithParameter("retries", 2).ExecuteAsync());

        Assert.Equal("GET 127.0.0.1 timed out after 300ms", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ExecuteAsync_LoopbackWithDefaultOptions_IsRefused()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync("secret"));
        await using var services = Services();
        var fixture = Fixture(services, server.Url).WithParameter("retries", 3);

        var e = await Assert.ThrowsAsync<BlockException>(() => fixture.ExecuteAsync());

        Assert.Equal(
            "outbound request to 127.0.0.1 refused: 127.0.0.1 is a loopback address (allow it with Workflows:Outbound:Allow)",
            e.Message);
        Assert.Empty(server.Requests);
        Assert.Empty(fixture.Logs); // a refusal is final: no retries
    }

    [Fact]
    public async Task ExecuteAsync_RedirectFromAllowedHostToLoopbackAddress_IsRefused()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            if (context.Request.Path == "/start")
            {
                context.Response.Redirect($"http://127.0.0.1:{context.Connection.LocalPort}/target");
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("secret");
        });
        await using var services = Services("localhost");

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture(services, $"http://localhost:{server.Port}/start").ExecuteAsync());

        Assert.StartsWith("outbound request to 127.0.0.1 refused: 127.0.0.1 is a loopback address", e.Message);
        Assert.Equal(["/start"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task ExecuteAsync_RedirectWithinAllowedHost_IsFollowed()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            if (context.Request.Path == "/start")
            {
                context.Response.Redirect("/target");
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("landed");
        });
        await using var services = Services("127.0.0.1");

        var result = await Fixture(services, server.Url + "/start").ExecuteAsync();

        Assert.Equal("landed", result.Output!["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteAsync_ResponseOverTheLimit_Fails(bool declaresLength)
    {
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            if (declaresLength)
            {
                context.Response.ContentLength = 5000;
            }

            for (var i = 0; i < 5; i++)
            {
                await context.Response.Body.WriteAsync(new byte[1000]);
                await context.Response.Body.FlushAsync();
            }
        });
        await using var services = Services("127.0.0.1");

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture(services, server.Url).WithParameter("maxResponseBytes", 1000).ExecuteAsync());

        Assert.StartsWith("response from 127.0.0.1 is larger than 1000 bytes", e.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ResponseAtTheLimit_IsRead()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync(new string('a', 1000)));
        await using var services = Services("127.0.0.1");

        var result = await Fixture(services, server.Url).WithParameter("maxResponseBytes", 1000).ExecuteAsync();

        Assert.Equal(1000, result.Output!["body"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task ExecuteAsync_Head_OutputsStatusAndHeaders()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.Headers.ETag = "\"v1\"";
            return Task.CompletedTask;
        });
        await using var services = Services("127.0.0.1");

        var result = await Fixture(services, server.Url).WithParameter("method", "HEAD").ExecuteAsync();

        Assert.Equal(200, result.Output!["status"]!.GetValue<int>());
        Assert.Equal("\"v1\"", result.Output!["headers"]!["etag"]!.GetValue<string>());
        Assert.Equal("HEAD", server.Requests.Single().Method);
    }

    [Fact]
    public async Task ExecuteAsync_RenderedUrlNotHttp_Fails()
    {
        await using var services = Services();

        var e = await Assert.ThrowsAsync<BlockException>(() =>
            Fixture(services, "{{$launchVariables->u}}").WithLaunchVariable("u", "file:///etc/passwd").ExecuteAsync());

        Assert.Equal("'url' must be an absolute http(s) URL, got 'file:///etc/passwd'", e.Message);
    }

    [Fact]
    public void Validate_CompleteDefinition_Passes()
    {
        var fixture = new BlockTestFixture(TestBlockServices.Create<HttpRequestBlock>(), "http_request")
            .WithLaunchVariable("q", "owls")
            .WithOutput("auth", "token")
            .WithParameter("method", "PATCH")
            .WithParameter("url", "https://api.example.com/search")
            .WithParameter("headers", new JsonObject { ["Authorization"] = "Bearer {{auth}}" })
            .WithParameter("query", new JsonObject { ["q"] = "{{$launchVariables->q}}" })
            .WithParameter("body", new JsonObject { ["q"] = "{{$launchVariables->q}}" })
            .WithParameter("timeout", "PT10S")
            .WithParameter("retries", 10)
            .WithParameter("maxResponseBytes", 1024);

        Assert.Null(fixture.ValidationError());
    }

    [Theory]
    [InlineData("url", null, "block 'this': 'url' is required")]
    [InlineData("url", "ftp://x/y", "block 'this': 'url' must be an absolute http(s) URL")]
    [InlineData("url", "https://x/{{ ghost }}", "block 'this': url: unknown variable 'ghost'")]
    [InlineData("method", "TRACE", "block 'this': 'method' must be one of GET, POST, PUT, PATCH, DELETE, HEAD")]
    [InlineData("timeout", "soon", "block 'this': 'timeout' must be a positive duration such as 500ms, 30s, 5m or PT5M")]
    [InlineData("timeout", "0s", "block 'this': 'timeout' must be a positive duration such as 500ms, 30s, 5m or PT5M")]
    public void Validate_BadParameter_Refuses(string name, string? value, string expected)
    {
        var fixture = new BlockTestFixture(TestBlockServices.Create<HttpRequestBlock>(), "http_request").WithParameter("url", "https://example.com/");
        if (value is null)
        {
            fixture.Parameters.Remove(name);
        }
        else
        {
            fixture.WithParameter(name, value);
        }

        Assert.Equal(expected, fixture.ValidationError());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Validate_RetriesOutOfRange_Refuses(int retries) =>
        Assert.Equal(
            "block 'this': 'retries' must be a whole number from 0 to 10",
            new BlockTestFixture(TestBlockServices.Create<HttpRequestBlock>()).WithParameter("url", "https://example.com/").WithParameter("retries", retries).ValidationError());

    [Fact]
    public void Validate_MaxResponseBytesAboveTheConfiguredLimit_Refuses() =>
        Assert.StartsWith(
            "block 'this': 'maxResponseBytes' must be a whole number from 1 to 10485760",
            new BlockTestFixture(TestBlockServices.Create<HttpRequestBlock>()).WithParameter("url", "https://example.com/").WithParameter("maxResponseBytes", 20_000_000).ValidationError());

    [Fact]
    public void Validate_HeaderTemplateWithUnknownVariable_Refuses() =>
        Assert.Equal(
            "block 'this': headers.Authorization: unknown variable '$launchVariables->key' (not a declared launch variable)",
            new BlockTestFixture(TestBlockServices.Create<HttpRequestBlock>())
                .WithParameter("url", "https://example.com/")
                .WithParameter("headers", new JsonObject { ["Authorization"] = "Bearer {{$launchVariables->key}}" })
                .ValidationError());

    [Fact]
    public void Validate_BadHeaderName_Refuses() =>
        Assert.Equal(
            "block 'this': 'headers': 'Bad Name' is not a valid header name",
            new BlockTestFixture(TestBlockServices.Create<HttpRequestBlock>())
                .WithParameter("url", "https://example.com/")
                .WithParameter("headers", new JsonObject { ["Bad Name"] = "x" })
                .ValidationError());
}
