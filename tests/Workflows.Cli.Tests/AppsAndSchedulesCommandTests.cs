using System.Text.Json;
using Workflows.Cli.Tests.Fixtures;

namespace Workflows.Cli.Tests;

/// <summary><c>workflows apps …</c> and <c>schedules …</c> as processes against a real server.</summary>
[Collection(CliServerCollection.Name)]
public sealed class AppsAndSchedulesCommandTests(CliServer server)
{
    private static string TestApps => Path.Combine(AppContext.BaseDirectory, "TestApps");

    private static string Invalid => Path.Combine(AppContext.BaseDirectory, "Invalid");

    [Fact]
    public async Task List_AndGet_ShowTheApps()
    {
        var list = await server.RunAsync("apps", "list", "-o", "json");
        Assert.True(list.Code == 0, list.ToString());
        var ids = JsonDocument.Parse(list.Output).RootElement.GetProperty("apps").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Contains("hello", ids);
        Assert.Contains("approve", ids);

        var get = await server.RunAsync("apps", "get", "hello", "-o", "json");
        var root = JsonDocument.Parse(get.Output).RootElement;
        Assert.Equal("name", root.GetProperty("app").GetProperty("workflows")[0].GetProperty("launchVariables")[0].GetProperty("name").GetString());
        Assert.Contains("Hello, {{$launchVariables->name}}!", root.GetProperty("workflows").GetProperty("main").GetString(), StringComparison.Ordinal);

        var text = await server.RunAsync("apps", "get", "hello");
        Assert.Contains(text.Lines, l => l.StartsWith("name\tstring\tyes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ValidFolders_Exit0()
    {
        var all = await server.RunAsync("apps", "validate", TestApps);
        Assert.True(all.Code == 0, all.ToString());
        Assert.Equal("", all.Output);
        Assert.Contains("4 app(s) valid", all.Error, StringComparison.Ordinal);

        var one = await server.RunAsync("apps", "validate", Path.Combine(TestApps, "hello"));
        Assert.True(one.Code == 0, one.ToString());
    }

    [Fact]
    public async Task Validate_Problems_PrintFileLineColumnPerProblem_Exit1()
    {
        var result = await server.RunAsync("apps", "validate", Path.Combine(Invalid, "bad"));

        Assert.True(result.Code == 1, result.ToString());
        var prefix = Path.Combine(Invalid, "bad");
        Assert.Equal(2, result.Lines.Length);
        Assert.Matches(@"^.*/bad/syntax\.flow:\d+:\d+: invalid YAML", result.Lines[0]);
        Assert.StartsWith(prefix + "/syntax.flow:", result.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith(prefix + "/unknown.flow:7:1: unknown block type 'no_such_block'", result.Lines[1], StringComparison.Ordinal);

        var json = await server.RunAsync("apps", "validate", Path.Combine(Invalid, "bad"), "-o", "json");
        var problems = json.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(7, problems[1].GetProperty("line").GetInt32());
        Assert.EndsWith("unknown.flow", problems[1].GetProperty("file").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoSuchFolder_Exit2()
    {
        var result = await server.RunAsync("apps", "validate", Path.Combine(Invalid, "nothing-here"));

        Assert.True(result.Code == 2, result.ToString());
        Assert.StartsWith("error: no such folder", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_UploadsTheFolder_ThenItRuns_ThenDeleteRemovesIt()
    {
        var push = await server.RunAsync("apps", "push", Path.Combine(TestApps, "hello"), "--id", "hello-pushed");
        Assert.True(push.Code == 0, push.ToString());
        Assert.Equal("pushed hello-pushed (main)", push.Lines[0]);

        var run = await server.RunAsync("run", "hello-pushed", "--var", "name=api");
        Assert.Equal("Hello, api!", run.Lines[^1]);
        var get = await server.RunAsync("apps", "get", "hello-pushed", "-o", "json");
        Assert.Equal("api", JsonDocument.Parse(get.Output).RootElement.GetProperty("app").GetProperty("source").GetString());

        var delete = await server.RunAsync("apps", "delete", "hello-pushed");
        Assert.True(delete.Code == 0, delete.ToString());
        var gone = await server.RunAsync("apps", "get", "hello-pushed");
        Assert.True(gone.Code == 4, gone.ToString());
    }

    [Fact]
    public async Task Push_InvalidFolder_UploadsNothing_Exit1()
    {
        var result = await server.RunAsync("apps", "push", Path.Combine(Invalid, "bad"));

        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("unknown.flow:7:1:", result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was uploaded", result.Error, StringComparison.Ordinal);
        Assert.Equal(4, (await server.RunAsync("apps", "get", "bad")).Code);
    }

    [Fact]
    public async Task Push_WithAnExecToken_Exit3()
    {
        var result = await CliProcess.RunAsync(server.Environment(server.ExecToken), "apps", "push", Path.Combine(TestApps, "hello"), "--id", "nope");

        Assert.True(result.Code == 3, result.ToString());
    }

    [Fact]
    public async Task Schedules_CreateListTriggerDelete()
    {
        var create = await server.RunAsync("schedules", "create", "hello", "--cron", "0 7 * * 1-5", "--time-zone", "Europe/Berlin", "--var", "name=cron", "-o", "json");
        Assert.True(create.Code == 0, create.ToString());
        var schedule = JsonDocument.Parse(create.Output).RootElement.GetProperty("schedule");
        var id = schedule.GetProperty("id").GetString()!;
        Assert.Equal("Europe/Berlin", schedule.GetProperty("timeZone").GetString());

        var list = await server.RunAsync("schedules", "list", "--app", "hello", "-o", "json");
        Assert.Contains(JsonDocument.Parse(list.Output).RootElement.GetProperty("schedules").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        var table = await server.RunAsync("schedules", "list");
        Assert.Contains(table.Lines, l => l.StartsWith(id + "\thello\t", StringComparison.Ordinal));

        var trigger = await server.RunAsync("schedules", "trigger", id);
        Assert.True(trigger.Code == 0, trigger.ToString());
        var watch = await server.RunAsync("jobs", "watch", trigger.Lines[0]);
        Assert.Equal("Hello, cron!", watch.Lines[^1]);

        Assert.Equal(0, (await server.RunAsync("schedules", "delete", id)).Code);
        Assert.Equal(4, (await server.RunAsync("schedules", "trigger", id)).Code);
    }

    [Fact]
    public async Task Schedules_BadCron_Exit2NamingIt()
    {
        var result = await server.RunAsync("schedules", "create", "hello", "--cron", "every tuesday");

        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("cron", result.Error, StringComparison.Ordinal);
    }
}
