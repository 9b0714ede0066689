using System.Globalization;

namespace Bench.Shared;

/// <summary>
/// What /proc says about a process: CPU time (utime + stime) and memory (VmRSS, VmHWM). Linux only; the harness
/// reads it before and after a measured window.
/// </summary>
internal static class ProcStats
{
    // USER_HZ is 100 on every Linux x86-64/arm64 kernel; /proc/PID/stat counts CPU time in these ticks.
    private const double TicksPerSecond = 100.0;

    /// <summary>User plus system CPU seconds the process has used so far (0 when it is gone).</summary>
    public static double CpuSeconds(int pid) => Fields(pid) is { } f ? (Long(f[11]) + Long(f[12])) / TicksPerSecond : 0;

    /// <summary>CPU seconds of the process's children that it has waited for (cutime + cstime).</summary>
    public static double ChildCpuSeconds(int pid) => Fields(pid) is { } f ? (Long(f[13]) + Long(f[14])) / TicksPerSecond : 0;

    /// <summary>Resident memory now, in MiB.</summary>
    public static double RssMiB(int pid) => StatusKiB(pid, "VmRSS:") / 1024.0;

    /// <summary>Peak resident memory so far, in MiB.</summary>
    public static double PeakRssMiB(int pid) => StatusKiB(pid, "VmHWM:") / 1024.0;

    /// <summary>Number of threads.</summary>
    public static long Threads(int pid) => StatusValue(pid, "Threads:");

    /// <summary>Bytes the process has passed to write-like system calls (<c>wchar</c> of /proc/PID/io).</summary>
    public static long WrittenBytes(int pid) => KeyedValue($"/proc/{pid}/io", "wchar:");

    private static long StatusKiB(int pid, string key) => StatusValue(pid, key);

    private static long StatusValue(int pid, string key) => KeyedValue($"/proc/{pid}/status", key);

    private static long KeyedValue(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return Long(parts[0]);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    // Fields after the command name (which may contain spaces and parentheses): [0] is field 3 (state),
    // so utime (field 14) is [11], stime [12], cutime [13], cstime [14].
    private static string[]? Fields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}
