using System.Globalization;

namespace Bench.Runner;

/// <summary>What to run: <c>--seconds N --warmup N --runs N --quick --smoke --out DIR</c>.</summary>
internal sealed record Settings
{
    public double Seconds { get; init; } = 5;
    public double Warmup { get; init; } = 10;
    public int Runs { get; init; } = 1;
    public int[] Concurrency { get; init; } = [16, 64, 256];
    public int WatchJobs { get; init; } = 100;
    public int WatchersPerJob { get; init; } = 100;
    // Longer than connecting 10,000 streams takes (≈ 6 s on 2 shared cores), so the fan-out is measured with all open.
    public string WatchSetup { get; init; } = "10s";
    public int EngineIterations { get; init; } = 20;

    /// <summary><c>waits</c>: wait_for_signal jobs kept waiting on one node, and delay jobs due at one instant.</summary>
    public int WaitingJobs { get; init; } = 100_000;
    public int Timers { get; init; } = 10_000;

    /// <summary><c>--nodes 1,2,3</c>: node counts for the Run scenarios on PostgreSQL (<c>--only postgres</c> runs just those).</summary>
    public int[] Nodes { get; init; } = [1, 2, 3];
    public bool Smoke { get; init; }

    /// <summary>Where servers get their temp data dirs; <c>--tmpfs</c> puts them in /dev/shm (fsync almost free: shows what is disk-bound).</summary>
    public string TempRoot { get; init; } = Path.GetTempPath();

    /// <summary>Run only the parts whose name contains one of these (case-insensitive): scenario names, <c>watch</c>, <c>waits</c>, <c>engine</c>.</summary>
    public string[] Only { get; init; } = [];

    /// <summary>
    /// <c>--trace DIR</c>: a sampling profile (dotnet-trace, <c>dotnet-sampled-thread-time</c>, NetTrace + Speedscope) of the
    /// real server over each measured window, written to DIR. The tool is <c>$DOTNET_TRACE</c> or <c>dotnet-trace</c> on PATH.
    /// </summary>
    public string? TraceDir { get; init; }
    public string Mode { get; init; } = "full";
    public required string RepoRoot { get; init; }
    public required string Artifacts { get; init; }
    public required string OutDir { get; init; }

    public static Settings Parse(string[] args)
    {
        var bench = AppContext.BaseDirectory;
        var repo = new DirectoryInfo(bench);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Grpc.sln")))
        {
            repo = repo.Parent;
        }

        var root = repo?.FullName ?? throw new InvalidOperationException("repo root (Grpc.sln) not found above " + bench);
        var settings = new Settings
        {
            RepoRoot = root,
            Artifacts = Path.Combine(root, "bench", ".artifacts"),
            OutDir = Path.Combine(root, "bench", "results"),
        };
        double? seconds = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            settings = args[i] switch
            {
                "--quick" => settings with { Warmup = 8, Seconds = 2, Concurrency = [64], Mode = "quick" },
                "--smoke" => settings with
                {
                    Smoke = true, Mode = "smoke", Warmup = 0.5, Seconds = 2, Concurrency = [8],
                    WatchJobs = 10, WatchSetup = "2s", EngineIterations = 3, Nodes = [1, 2], WaitingJobs = 2_000, Timers = 500,
                },
                "--seconds" => settings,
                "--warmup" => settings with { Warmup = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--runs" => settings with { Runs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--concurrency" => settings with { Concurrency = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))] },
                "--tmpfs" => settings with { TempRoot = "/dev/shm", Mode = settings.Mode + ", data on tmpfs" },
                "--only" => settings with { Only = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--artifacts" => settings with { Artifacts = Path.GetFullPath(Next()) },
                "--waiting" => settings with { WaitingJobs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--timers" => settings with { Timers = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--nodes" => settings with { Nodes = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))] },
                "--trace" => settings with { TraceDir = Path.GetFullPath(Next()) },
                "--out" => settings with { OutDir = Path.GetFullPath(Next()) },
                _ => throw new ArgumentException($"unknown option {args[i]} (use --seconds N, --warmup N, --runs N, --concurrency 16,64, --only run,watch, --tmpfs, --quick, --smoke, --out DIR, --trace DIR, --nodes 1,2,3, --waiting N, --timers N)"),
            };
            if (args[i] == "--seconds")
            {
                seconds = double.Parse(Next(), CultureInfo.InvariantCulture);
            }
        }

        return seconds is { } s ? settings with { Seconds = s } : settings;
    }

    public bool Includes(string name) => Only.Length == 0 || Only.Any(o => name.Contains(o, StringComparison.OrdinalIgnoreCase));

    /// <summary>The Release build of <paramref name="project"/>, once its folder is known to hold no unoptimised assembly.</summary>
    public string Dll(string project)
    {
        var dll = Path.Combine(Artifacts, "bin", project, "release", project + ".dll");
        OptimisedBuild.Check(Path.GetDirectoryName(dll)!);
        return dll;
    }
}
