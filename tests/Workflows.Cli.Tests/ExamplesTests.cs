using System.Diagnostics;
using Workflows.Cli.Tests.Fixtures;

namespace Workflows.Cli.Tests;

/// <summary>
/// The three examples of <c>examples/</c> (Node gRPC, Python gRPC, curl REST) run as processes against the test
/// server: each runs the hello app, drops its watch after sequence 3 and resumes after it.
/// </summary>
[Collection(CliServerCollection.Name)]
public sealed class ExamplesTests(CliServer server)
{
    private const int ResumeAfter = 3;

    [Fact]
    public async Task Node_RunsThenResumesTheWatch()
    {
        Assert.True(Directory.Exists(Repo.Path("examples", "node", "node_modules", "@grpc", "grpc-js")),
            "examples/node has no node_modules: run `npm ci --prefix examples/node` (scripts/test.sh does)");
        await AssertExampleAsync("node", Repo.Path("examples", "node", "run-and-watch.js"));
    }

    [Fact]
    public Task Python_RunsThenResumesTheWatch() =>
        AssertExampleAsync(Repo.Python, Repo.Path("examples", "python", "run_and_watch.py"));

    [Fact]
    public Task Curl_RunsThenResumesTheWatch() =>
        AssertExampleAsync("bash", Repo.Path("examples", "curl", "run-and-watch.sh"));

    private async Task AssertExampleAsync(string program, string script)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.Environment["WORKFLOWS_GRPC"] = new Uri(server.GrpcUrl).Authority;
        info.Environment["WORKFLOWS_REST"] = server.RestUrl;
        info.Environment["WORKFLOWS_TOKEN"] = server.AdminToken;
        info.Environment["APP"] = "hello";
        info.Environment["VARIABLES"] = """{"name": "example"}""";
        info.Environment["RESUME_AFTER"] = ResumeAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var result = new CliResult(process.ExitCode, await output, await error);

        Assert.True(result.Code == 0, result.ToString());
        var lines = result.Lines.ToList();
        Assert.StartsWith("job ", lines[0], StringComparison.Ordinal);
        var resumed = lines.IndexOf($"resuming after {ResumeAfter}");
        Assert.True(resumed > 0, result.ToString());
        Assert.Equal(["1 job_queued", "2 job_started", "3 block_started greeting"], lines[1..resumed]);
        Assert.Equal("4 block_completed greeting", lines[resumed + 1]);
        Assert.EndsWith(" job_succeeded", lines[^2], StringComparison.Ordinal);
        Assert.Equal("result \"Hello, example!\"", lines[^1]);
    }
}
