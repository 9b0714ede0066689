using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Net.Client;
using Workflows.Contracts.V1;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>
/// The real server as a separate operating-system process (<c>dotnet Workflows.Server.dll</c> from the test output,
/// where the project reference puts it), configured only through environment variables, so a test can kill it with
/// SIGKILL and start another one on the same data dir.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private const int KeptOutputLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, string restUrl, string grpcUrl)
    {
        _process = process;
        RestUrl = restUrl;
        GrpcUrl = grpcUrl;
        Channel = GrpcChannel.ForAddress(grpcUrl);
        Client = new WorkflowService.WorkflowServiceClient(Channel);
    }

    public string RestUrl { get; }

    public string GrpcUrl { get; }

    public GrpcChannel Channel { get; }

    public WorkflowService.WorkflowServiceClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the server; <paramref name="settings"/> become environment variables (<c>A:B</c> → <c>A__B</c>).</summary>
    public static ServerProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Workflows.Server.dll");
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException("the server is not in the test output", serverDll);
        }

        var restUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var grpcUrl = $"http://127.0.0.1:{FreePort.Next()}";
        // The SDK sets DOTNET_HOST_PATH for test runs; `dotnet` on the PATH otherwise.
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(serverDll);

        // The content root is the (empty) working directory, so the appsettings.json copied into the test output
        // (with the repo's data and apps dirs and fixed ports) is not read.
        info.ArgumentList.Add("--contentRoot");
        info.ArgumentList.Add(workingDirectory);
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Kestrel__Endpoints__Rest__Url"] = restUrl;
        info.Environment["Kestrel__Endpoints__Rest__Protocols"] = "Http1";
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = grpcUrl;
        info.Environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process, restUrl, grpcUrl);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.Start();
        // Always drained: a full pipe would block the server's logging and stall it.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>
    /// Waits until <c>/healthz</c> answers. Kestrel listens only after every hosted service started, so by then the
    /// store is migrated and unfinished jobs have been handed to the runner.
    /// </summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(RestUrl), Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode}:{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// Kills the process the hard way. On Linux <see cref="Process.Kill(bool)"/> sends SIGKILL: no shutdown code runs,
    /// nothing is flushed, exactly like a power cut for the process (the OS keeps what was already written).
    /// </summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        Channel.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }

        _process.Dispose();
    }

    /// <summary>Every line the process writes (stdout and stderr), as it comes; for tests that read all of it.</summary>
    public event Action<string>? Line;

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Line?.Invoke(line);

        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }
}
