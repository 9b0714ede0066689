namespace Workflows.Cli;

/// <summary>A parsed command line: the command, its positional arguments and <c>--name value</c> options.</summary>
public sealed class CliArguments
{
    private static readonly HashSet<string> KnownOptions = ["org", "data-dir"];
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    private CliArguments(string command) => Command = command;

    /// <summary>The command name.</summary>
    public string Command { get; }

    /// <summary>Positional arguments after the command.</summary>
    public List<string> Positional { get; } = [];

    /// <summary>An option's value, or null.</summary>
    public string? Option(string name) => _options.GetValueOrDefault(name);

    /// <summary>Parses; throws <see cref="CliUsageException"/> for an unknown or incomplete option.</summary>
    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new CliUsageException("no command given");
        }

        var parsed = new CliArguments(args[0]);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Positional.Add(arg);
                continue;
            }

            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new CliUsageException($"--{name} needs a value");
            }

            if (!KnownOptions.Contains(name))
            {
                throw new CliUsageException($"unknown option --{name}");
            }

            parsed._options[name] = value;
        }

        return parsed;
    }
}

/// <summary>A command line that does not fit the usage.</summary>
public sealed class CliUsageException(string message) : Exception(message);
