using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bench.Shared;

namespace Bench.Runner;

/// <summary>
/// A server started as its own process (<c>dotnet X.dll</c>) on two free loopback ports, configured through the
/// environment, with its output in a log file that is shown when something goes wrong.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _tempDir;
    private readonly LogFile _log;

    private ServerProcess(Process process, string tempDir, LogFile log, string restUrl, string grpcUrl)
    {
        _process = process;
        _tempDir = tempDir;
        _log = log;
        RestUrl = restUrl;
        GrpcUrl = grpcUrl;
    }

    public int Pid => _process.Id;

    public string RestUrl { get; }

    /// <summary>The server's Prometheus scrape.</summary>
    public string MetricsUrl => RestUrl + "/metrics";

    /// <summary>
    /// Copies each <c>PREFIX</c>X=v of the harness's environment into <paramref name="env"/> as X=v, to try a setting on
    /// the servers the harness starts without a rebuild.
    /// </summary>
    public static void AddPrefixed(IDictionary<string, string> env, string prefix)
    {
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, (string?)e.Value)).Where(e => e.Item1.StartsWith(prefix, StringComparison.Ordinal)))
        {
            env[name[prefix.Length..]] = value ?? "";
        }
    }

    public string GrpcUrl { get; }

    /// <summary>Resident memory one second after the server first answered, before any load.</summary>
    public double IdleRssMiB { get; private set; }

    public string LogPath => Path.Combine(_tempDir, "server.log");

    /// <summary>Starts <paramref name="dll"/> and waits until <c>/healthz</c> answers on the REST port.</summary>
    public static async Task<ServerProcess> StartAsync(string dll, string tempRoot, Func<string, IDictionary<string, string>> environment)
    {
        var tempDir = Path.Combine(tempRoot, "wf-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(tempDir);
        var restUrl = $"http://127.0.0.1:{FreePort()}";
        var grpcUrl = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo(DotnetHost(), [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["Kestrel__Endpoints__Rest__Url"] = restUrl;
        start.Environment["Kestrel__Endpoints__Rest__Protocols"] = "Http1";
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = grpcUrl;
        start.Environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in environment(tempDir))
        {
            start.Environment[key] = value;
        }

        var log = new LogFile(Path.Combine(tempDir, "server.log"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);
        process.OutputDataReceived += (_, e) => log.Write(e.Data);
        process.ErrorDataReceived += (_, e) => log.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, tempDir, log, restUrl, grpcUrl);
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        server.IdleRssMiB = ProcStats.RssMiB(process.Id);
        return server;
    }

    /// <summary>The last lines of the server's output (for error messages).</summary>
    public string Tail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _log.Dispose();

        try
        {
            Directory.Delete(_tempDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open as the process dies; the OS cleans the temp dir.
        }
    }

    public static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"server exited with {_process.ExitCode} at start:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(RestUrl + "/healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"server did not answer /healthz within {timeout}:\n{Tail()}");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A log file that output handlers may write to from any thread, until it is closed.</summary>
internal sealed class LogFile(string path) : IDisposable
{
    private readonly StreamWriter _writer = new(path) { AutoFlush = true };
    private bool _closed;

    public void Write(string? line)
    {
        lock (_writer)
        {
            if (line is not null && !_closed)
            {
                _writer.WriteLine(line);
            }
        }
    }

    public void Dispose()
    {
        lock (_writer)
        {
            _closed = true;
            _writer.Dispose();
        }
    }
}
