using System.Text.Json;
using Workflows.Cli.Tests.Fixtures;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Cli.Tests;

/// <summary>Login and its profile, and the exit codes for usage, authentication and an unreachable server.</summary>
[Collection(CliServerCollection.Name)]
public sealed class ConnectionCommandTests(CliServer server) : IDisposable
{
    private readonly string _profile = Path.Combine(Directory.CreateTempSubdirectory("wf-cli-profile-").FullName, "nested", "profile.json");

    [Fact]
    public async Task Login_SavesServerAndToken_LaterCommandsNeedNeither()
    {
        var login = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["WORKFLOWS_CONFIG"] = _profile },
            "login", "--server", server.GrpcUrl, "--token", server.AdminToken);
        Assert.True(login.Code == 0, login.ToString());
        Assert.Contains("organisation default", login.Output, StringComparison.Ordinal);

        var saved = JsonDocument.Parse(await File.ReadAllTextAsync(_profile)).RootElement;
        Assert.Equal(server.GrpcUrl, saved.GetProperty("server").GetString());
        Assert.Equal(server.AdminToken, saved.GetProperty("token").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_profile));
        }

        var list = await CliProcess.RunAsync(new Dictionary<string, string?> { ["WORKFLOWS_CONFIG"] = _profile }, "apps", "list", "-o", "json");
        Assert.True(list.Code == 0, list.ToString());
    }

    [Fact]
    public async Task Login_RefusedToken_SavesNothing_Exit3()
    {
        var login = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["WORKFLOWS_CONFIG"] = _profile },
            "login", "--server", server.GrpcUrl, "--token", "not-a-token");

        Assert.True(login.Code == 3, login.ToString());
        Assert.False(File.Exists(_profile));
    }

    [Fact]
    public async Task NoToken_Exit3()
    {
        var environment = server.Environment();
        environment.Remove("WORKFLOWS_TOKEN");

        var result = await CliProcess.RunAsync(environment, "jobs", "list");

        Assert.True(result.Code == 3, result.ToString());
        Assert.Contains("workflows login", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenOutOfScope_Exit3()
    {
        var result = await CliProcess.RunAsync(server.Environment(server.HelloOnlyToken), "run", "broken");

        Assert.True(result.Code is 3 or 4, result.ToString());
        var allowed = await CliProcess.RunAsync(server.Environment(server.HelloOnlyToken), "run", "hello", "--var", "name=scoped");
        Assert.True(allowed.Code == 0, allowed.ToString());
    }

    [Fact]
    public async Task UnreachableServer_Exit5()
    {
        var environment = server.Environment();
        environment["WORKFLOWS_SERVER"] = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await CliProcess.RunAsync(environment, "jobs", "list");

        Assert.True(result.Code == 5, result.ToString());
        Assert.StartsWith("error: cannot reach the server at http://127.0.0.1:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_AddsTheStackTrace()
    {
        var environment = server.Environment();
        environment["WORKFLOWS_SERVER"] = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await CliProcess.RunAsync(environment, "jobs", "list", "--verbose");

        Assert.True(result.Code == 5, result.ToString());
        Assert.Contains("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "hello", "--var", "no-equals-sign")]
    [InlineData("run", "hello", "--var", "n:={not json")]
    [InlineData("jobs", "list", "--state", "sleeping")]
    [InlineData("jobs", "list", "--limit", "0")]
    [InlineData("jobs", "frobnicate")]
    [InlineData("apps", "list", "-o", "yaml")]
    [InlineData("schedules", "create", "hello")]
    public async Task BadUsage_Exit2(params string[] args)
    {
        var result = await server.RunAsync(args);

        Assert.True(result.Code == 2, result.ToString());
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRequiredVariable_Exit2NamingIt()
    {
        var result = await server.RunAsync("run", "hello");

        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("name", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_profile))!, recursive: true);
}
