using System.Diagnostics;
using System.Text;

namespace Workflows.Cli.Tests.Fixtures;

/// <summary>What one run of the built <c>workflows</c> binary did.</summary>
public sealed record CliResult(int Code, string Output, string Error)
{
    /// <summary>The non-empty lines of standard output.</summary>
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {Code}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the real built CLI (<c>dotnet workflows.dll</c> from the test output) as a child process with its output
/// piped, or inside a pseudo-terminal (util-linux <c>script</c>) to see what a person at a terminal sees.
/// </summary>
public static class CliProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>The CLI in its own build output (src/Workflows.Cli/bin/CONFIG/TFM), with its own deps.json: the copy in
    /// the test output would resolve its dependencies from the test project's graph, which differs.</summary>
    public static string Dll { get; } = FindDll();

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Runs <c>workflows ARGS</c>; <paramref name="environment"/> entries with a null value are removed.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return await RunAsync(info, environment);
    }

    /// <summary>Runs <c>workflows ARGS</c> inside a pseudo-terminal of 120 columns; returns what the terminal showed.</summary>
    public static async Task<CliResult> RunInTerminalAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var command = new StringBuilder("stty cols 120 rows 40 2>/dev/null; exec ").Append(Quote(Dotnet)).Append(' ').Append(Quote(Dll));
        foreach (var arg in args)
        {
            command.Append(' ').Append(Quote(arg));
        }

        // script -q (no banner) -f (flush as written) -e (its exit code is the command's) -c (the command); the
        // typescript goes nowhere, the terminal's bytes come out on script's stdout.
        var info = new ProcessStartInfo("script")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-qfec");
        info.ArgumentList.Add(command.ToString());
        info.ArgumentList.Add("/dev/null");
        return await RunAsync(info, environment);
    }

    private static async Task<CliResult> RunAsync(ProcessStartInfo info, IReadOnlyDictionary<string, string?> environment)
    {
        info.Environment.Remove("NO_COLOR");
        info.Environment.Remove("WORKFLOWS_SERVER");
        info.Environment.Remove("WORKFLOWS_TOKEN");
        info.Environment["TERM"] = "xterm-256color";
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"workflows {string.Join(' ', info.ArgumentList)} did not finish within {Limit}: {await output}{await error}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    private static string FindDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var tfm = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var repo = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(repo, "src", "Workflows.Cli", "bin", configuration, tfm, "workflows.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("the CLI is not built where expected", dll);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
