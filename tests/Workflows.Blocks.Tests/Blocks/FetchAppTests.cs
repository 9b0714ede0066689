using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;
using Workflows.Blocks;
using Workflows.Engine;
using Workflows.Engine.Apps;
using Workflows.Blocks.Net;
using Workflows.Blocks.Tests.Net;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

/// <summary>The sample app <c>apps/fetch</c>, as shipped, through the real executor and a real HTTP server.</summary>
public sealed class FetchAppTests
{
    private static string MainFlow()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "apps", "fetch", "main.flow");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }

        throw new FileNotFoundException("apps/fetch/main.flow not found above the test directory");
    }

    [Fact]
    public async Task Run_JsonEndpoint_ReturnsThePickedFields()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"userId":1,"id":1,"title":"delectus aut autem","completed":false}""");
        });
        await using var provider = TestBlockServices.Provider(services => services.Configure<OutboundOptions>(o => o.Allow = ["127.0.0.1"]));
        var workflow = WorkflowParser.Parse("fetch/main.flow", "main", MainFlow(), provider.GetRequiredService<BlockRegistry>());

        var app = new AppDefinition
        {
            Id = "fetch",
            OrganizationId = "default",
            Name = "Fetch",
            Slug = "fetch",
            Workflows = new Dictionary<string, WorkflowDefinition> { ["main"] = workflow },
            Source = "test",
        };
        var request = new ExecutionRequest
        {
            JobId = Guid.NewGuid(),
            OrganizationId = "default",
            App = app,
            Workflow = workflow,
            LaunchVariables = new JsonObject { ["url"] = server.Url + "/todos/1" },
        };

        var outcome = await provider.GetRequiredService<WorkflowExecutor>().ExecuteAsync(request, NullExecutionObserver.Instance, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("delectus aut autem", outcome.Result!["title"]!.GetValue<string>());
        Assert.Equal("200", outcome.Result!["status"]!.ToString());
        Assert.StartsWith("application/json", outcome.Result!["contentType"]!.GetValue<string>());
        Assert.Equal("/todos/1", server.Requests.Single().Path);
        Assert.Equal("application/json", server.Requests.Single().Headers["Accept"]);
    }
}
