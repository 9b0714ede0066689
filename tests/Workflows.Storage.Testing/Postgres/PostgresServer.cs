using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Workflows.Storage.Testing.Postgres;

/// <summary>
/// A throwaway PostgreSQL server for tests: one per test process, started on first use in a temp directory on a free
/// loopback port (trust authentication, fsync on, 300 connections), stopped with <c>pg_ctl stop -m immediate</c> and
/// deleted when the process exits. Each test takes an empty database of its own from <see cref="CreateDatabaseAsync"/>
/// (and may hand it back for reuse with <see cref="ReleaseDatabaseAsync"/>). Run as root
/// (as CI does), the server runs as the <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer
{
    private const string ServerUser = "postgres";
    private static readonly string TempRoot = Path.Combine(Path.GetTempPath(), "workflows-pg-tests");
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => Task.Run(StartAsync));
    private static int _databases;
    private static int _rentals;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _recycled = [];

    private readonly NpgsqlDataSource _admin;

    private readonly string _settings;

    private PostgresServer(string binDirectory, string directory, int port, string settings)
    {
        BinDirectory = binDirectory;
        Directory = directory;
        Port = port;
        _settings = settings;
        _admin = NpgsqlDataSource.Create(ConnectionString("postgres"));
    }

    /// <summary>The PostgreSQL bin directory the server runs from.</summary>
    public string BinDirectory { get; }

    /// <summary>The server's temp directory: <c>data/</c>, <c>server.log</c> and the unix socket.</summary>
    public string Directory { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>The server log, worth reading when a test fails strangely.</summary>
    public string LogFile => Path.Combine(Directory, "server.log");

    /// <summary>The loopback address the server listens on.</summary>
    public static string Host => "127.0.0.1";

    /// <summary>The TCP port it listens on.</summary>
    public int Port { get; }

    /// <summary>
    /// The shared server, started on first call. Throws with <see cref="PostgresBinaries.NotFoundMessage"/> when there
    /// are no binaries (on CI that is the failure; elsewhere such tests are skipped before they get here).
    /// </summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// A server of the caller's own, for tests that stop and start it (an outage) without disturbing the tests on the
    /// shared one. Stopped and deleted when the process exits, like the shared one.
    /// </summary>
    public static Task<PostgresServer> StartOwnAsync() => StartAsync();

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>: every connection is cut, as in a database restart).</summary>
    public Task StopAsync() =>
        RunAsync(BinDirectory, "pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"]);

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port with the same data.</summary>
    public Task StartAgainAsync() =>
        RunAsync(BinDirectory, "pg_ctl", ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", _settings]);

    /// <summary>
    /// Cuts every connection to <paramref name="database"/> at once (<c>pg_terminate_backend</c>), as a failover or an
    /// administrator would; returns how many were cut.
    /// </summary>
    public async Task<int> TerminateConnectionsAsync(string database)
    {
        await using var terminate = _admin.CreateCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()");
        terminate.Parameters.AddWithValue("name", database);
        return Convert.ToInt32(await terminate.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser <c>postgres</c>.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = ServerUser,
        Database = database,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>
    /// An empty database of the caller's own, as a connection string: a new one, or one handed back through
    /// <see cref="ReleaseDatabaseAsync"/> and emptied (much cheaper than CREATE DATABASE, which copies a template with
    /// fsync). Each call's connection string is distinct (its Application Name), so Npgsql never hands one test a pooled
    /// connection of another.
    /// </summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (!_recycled.TryTake(out var name))
        {
            name = $"wf_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
            await using var command = _admin.CreateCommand($"CREATE DATABASE \"{name}\"");
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString(name))
        {
            ApplicationName = $"test-{Interlocked.Increment(ref _rentals)}",
        }.ConnectionString;
    }

    /// <summary>
    /// Hands back a database from <see cref="CreateDatabaseAsync"/>: whatever is still connected to it is disconnected,
    /// its public schema is dropped and made anew, and a later caller gets it empty.
    /// </summary>
    public async Task ReleaseDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using (var terminate = _admin.CreateCommand(
                         "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()"))
        {
            terminate.Parameters.AddWithValue("name", name);
            await terminate.ExecuteNonQueryAsync();
        }
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(name)) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var reset = new NpgsqlCommand("DROP SCHEMA public CASCADE; CREATE SCHEMA public", connection);
            await reset.ExecuteNonQueryAsync();
        }
        _recycled.Add(name);
    }

    /// <summary>Runs a tool of <see cref="BinDirectory"/> (as the server's user when running as root) and returns its output.</summary>
    public Task<string> RunToolAsync(string tool, params string[] arguments) => RunAsync(BinDirectory, tool, arguments);

    private static async Task<PostgresServer> StartAsync()
    {
        var bin = PostgresBinaries.Directory ?? throw new InvalidOperationException(PostgresBinaries.NotFoundMessage);
        System.IO.Directory.CreateDirectory(TempRoot);
        await RemoveAbandonedAsync(bin);

        var directory = Path.Combine(TempRoot, Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        // Who owns it: a later run removes servers whose owner died without stopping them.
        await File.WriteAllTextAsync(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync(null, "chown", ["-R", $"{ServerUser}:{ServerUser}", directory]);
        }

        var data = Path.Combine(directory, "data");
        // --no-sync only spares initdb's own flushes; the server runs with fsync on.
        await RunAsync(bin, "initdb", ["-D", data, "-U", ServerUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);

        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var settings =
                $"-p {port} -k {directory} -c listen_addresses={Host} -c max_connections=300 -c shared_buffers=64MB " +
                "-c fsync=on -c synchronous_commit=on";
            try
            {
                await RunAsync(bin, "pg_ctl", ["start", "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", settings]);
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // Most likely someone took the port between our probe and the server's bind; try another.
                continue;
            }
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(bin, directory);
            await StartReaperAsync(bin, directory);
            return new PostgresServer(bin, directory, port, settings);
        }
    }

    private static void Stop(string bin, string directory)
    {
        try
        {
            RunAsync(bin, "pg_ctl", ["stop", "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w"]).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the directory goes anyway.
        }
        TryDelete(directory);
    }

    /// <summary>
    /// The test host may be killed right after the last test (vstest gives it little time to exit), before the exit
    /// handler finished. A detached shell (reparented away from the test host, so a tree kill misses it) waits for this
    /// process to end, then stops the server and deletes its directory.
    /// </summary>
    private static async Task StartReaperAsync(string bin, string directory)
    {
        var pgCtl = Quote(Path.Combine(bin, "pg_ctl"));
        var stop = (Environment.IsPrivilegedProcess ? $"runuser -u {ServerUser} -- " : "") +
                   $"{pgCtl} stop -D {Quote(Path.Combine(directory, "data"))} -m immediate -w";
        var script =
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {Quote(directory)}";
        await RunAsync(null, "sh", ["-c", "nohup sh -c \"$0\" >/dev/null 2>&1 </dev/null &", script]);
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task RemoveAbandonedAsync(string bin)
    {
        foreach (var directory in System.IO.Directory.GetDirectories(TempRoot))
        {
            var ownerFile = Path.Combine(directory, "owner.pid");
            if (File.Exists(ownerFile) && int.TryParse(await File.ReadAllTextAsync(ownerFile), out var owner) && IsAlive(owner))
            {
                continue;
            }
            try
            {
                await RunAsync(bin, "pg_ctl", ["stop", "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w"]);
            }
            catch (InvalidOperationException)
            {
                // Not running.
            }
            TryDelete(directory);
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next run's clean-up.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs <paramref name="tool"/> (from <paramref name="bin"/> when given); PostgreSQL's own tools run as the server's user under root.</summary>
    private static async Task<string> RunAsync(string? bin, string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (bin is null)
        {
            start.FileName = tool;
        }
        else if (Environment.IsPrivilegedProcess)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(ServerUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(Path.Combine(bin, tool));
        }
        else
        {
            start.FileName = Path.Combine(bin, tool);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} did not finish within 2 minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
        return await output;
    }
}
