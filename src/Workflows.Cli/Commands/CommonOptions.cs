using System.CommandLine;
using System.CommandLine.Parsing;

namespace Workflows.Cli.Commands;

/// <summary>Options every command takes: the organisation and the server's data dir.</summary>
internal static class CommonOptions
{
    public const string DataDirVariable = "WORKFLOWS_DATA_DIR";

    public static Option<string> Organization() => RefuseOptionAsValue(new Option<string>("--org")
    {
        Description = "Organisation",
        HelpName = "ID",
        DefaultValueFactory = _ => "default",
        Recursive = true,
    });

    // No DefaultValueFactory: help would print the value resolved on this machine instead of the rule.
    public static Option<string?> DataDir() => RefuseOptionAsValue(new Option<string?>("--data-dir")
    {
        Description = $"The server's data dir [default: ${DataDirVariable}, else ./data]",
        HelpName = "DIR",
        Recursive = true,
    });

    /// <summary>Adds an error naming the option (or argument) when a value looks like an option: System.CommandLine
    /// would take <c>--org --data-dir X</c> as org "--data-dir" and a stray <c>--colour</c> as a recipe id.</summary>
    public static T RefuseOptionAsValue<T>(T symbol) where T : Symbol
    {
        Action<SymbolResult> validate = result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith("--", StringComparison.Ordinal)))
            {
                result.AddError(symbol is Option option
                    ? $"{option.Name} needs a value, got '{token.Value}'"
                    : $"unknown option '{token.Value}'");
            }
        };
        switch (symbol)
        {
            case Option option:
                option.Validators.Add(validate);
                break;
            case Argument argument:
                argument.Validators.Add(validate);
                break;
        }

        return symbol;
    }

    /// <summary>The data dir as the server resolves it: the option, else the variable, else ./data.</summary>
    public static string ResolveDataDir(ParseResult parsed, Option<string?> dataDir) =>
        Path.GetFullPath(parsed.GetValue(dataDir) ?? Environment.GetEnvironmentVariable(DataDirVariable) ?? "data");
}
