using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

[Collection(ServerCollection.Name)]
public sealed class AppsTests(ServerFixture fixture)
{
    private const string GreetFlow = """
        name: Greet
        launchVariables:
          who: { type: string, default: world }
        blocks:
          - id: out
            type: output
            value: "hello {{$launchVariables->who}}"
        """;

    // Line 5 names a block type that does not exist.
    private const string BrokenFlow = """
        name: Broken
        blocks:
          - id: ok
            type: template
            text: "fine"
          - id: bad
            type: no-such-block-type
        """;

    private WorkflowService.WorkflowServiceClient Client => fixture.Grpc();

    private Metadata Admin => ServerFixture.Bearer(fixture.AdminToken);

    private static PutAppRequest Put(string appId, params (string Name, string Text)[] workflows)
    {
        var request = new PutAppRequest { AppId = appId, Name = "Greeter " + appId, Description = "says hello" };
        foreach (var (name, text) in workflows)
        {
            request.Workflows[name] = text;
        }

        return request;
    }

    private static string NewId() => "app-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task PutApp_ValidDefinition_StoredListedAndRunnable()
    {
        var appId = NewId();

        var put = await Client.PutAppAsync(Put(appId, ("main", GreetFlow)), Admin, JobHelpers.Deadline());

        Assert.Equal(appId, put.App.Id);
        Assert.Equal("Greeter " + appId, put.App.Name);
        Assert.Equal("api", put.App.Source);
        var workflow = Assert.Single(put.App.Workflows);
        Assert.Equal("main", workflow.Id);
        Assert.Equal("who", Assert.Single(workflow.LaunchVariables).Name);

        var got = await Client.GetAppAsync(new GetAppRequest { AppId = appId }, Admin, JobHelpers.Deadline());
        Assert.Equal(GreetFlow, got.Workflows["main"]);
        Assert.Equal("says hello", got.App.Description);

        var list = await Client.ListAppsAsync(new ListAppsRequest(), Admin, JobHelpers.Deadline());
        Assert.Contains(list.Apps, a => a.Id == appId && a.Source == "api");
        Assert.Contains(list.Apps, a => a.Id == "blog" && a.Source == "folder");

        var run = await fixture.RunAsync(fixture.ExecToken, appId, ("who", "tests"));
        Assert.Equal("hello tests", run.Result.StringValue);
    }

    [Fact]
    public async Task PutApp_InvalidDefinition_InvalidArgumentNamingFileAndLineAndNothingStored()
    {
        var appId = NewId();

        var ex = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () =>
            Client.PutAppAsync(Put(appId, ("main", GreetFlow), ("broken", BrokenFlow)), Admin, JobHelpers.Deadline()).ResponseAsync);

        Assert.Contains("broken.flow", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Matches(@"broken\.flow:\d+", ex.Status.Detail);
        Assert.Contains("no-such-block-type", ex.Status.Detail, StringComparison.Ordinal);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.GetAppAsync(new GetAppRequest { AppId = appId }, Admin, JobHelpers.Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task PutApp_InvalidReplacement_KeepsPreviousDefinition()
    {
        var appId = NewId();
        await Client.PutAppAsync(Put(appId, ("main", GreetFlow)), Admin, JobHelpers.Deadline());

        await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () =>
            Client.PutAppAsync(Put(appId, ("main", BrokenFlow)), Admin, JobHelpers.Deadline()).ResponseAsync);

        var got = await Client.GetAppAsync(new GetAppRequest { AppId = appId }, Admin, JobHelpers.Deadline());
        Assert.Equal(GreetFlow, got.Workflows["main"]);
        Assert.Equal("hello world", (await fixture.RunAsync(fixture.AdminToken, appId)).Result.StringValue);
    }

    [Fact]
    public async Task PutApp_YamlSyntaxError_InvalidArgumentWithLine()
    {
        var ex = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () =>
            Client.PutAppAsync(Put(NewId(), ("main", "name: x\nblocks:\n  - id: [unclosed\n")), Admin, JobHelpers.Deadline()).ResponseAsync);
        Assert.Matches(@"main\.flow:\d+", ex.Status.Detail);
    }

    [Fact]
    public async Task DeleteApp_ApiApp_GoneAfterwards()
    {
        var appId = NewId();
        await Client.PutAppAsync(Put(appId, ("main", GreetFlow)), Admin, JobHelpers.Deadline());

        await Client.DeleteAppAsync(new DeleteAppRequest { AppId = appId }, Admin, JobHelpers.Deadline());

        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.GetAppAsync(new GetAppRequest { AppId = appId }, Admin, JobHelpers.Deadline()).ResponseAsync);
        var list = await Client.ListAppsAsync(new ListAppsRequest(), Admin, JobHelpers.Deadline());
        Assert.DoesNotContain(list.Apps, a => a.Id == appId);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.DeleteAppAsync(new DeleteAppRequest { AppId = appId }, Admin, JobHelpers.Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task DeleteApp_FolderApp_RefusedAndAppStays()
    {
        var ex = await JobHelpers.ThrowsStatusAsync(StatusCode.FailedPrecondition, () =>
            Client.DeleteAppAsync(new DeleteAppRequest { AppId = "blog" }, Admin, JobHelpers.Deadline()).ResponseAsync);

        Assert.Contains("folder", ex.Status.Detail, StringComparison.OrdinalIgnoreCase);
        var got = await Client.GetAppAsync(new GetAppRequest { AppId = "blog" }, Admin, JobHelpers.Deadline());
        Assert.Equal("Blog Writer", got.App.Name);
        Assert.Equal("folder", got.App.Source);
    }

    [Fact]
    public async Task GetApp_UnknownApp_NotFound()
    {
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.GetAppAsync(new GetAppRequest { AppId = "no-such-app" }, Admin, JobHelpers.Deadline()).ResponseAsync);
    }
}
