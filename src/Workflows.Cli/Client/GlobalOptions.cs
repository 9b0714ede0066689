using System.CommandLine;
using Workflows.Cli.Commands;

namespace Workflows.Cli.Client;

/// <summary>Options every server command takes (recursive, so they may stand anywhere on the line).</summary>
public static class GlobalOptions
{
    /// <summary>The server's gRPC address when nothing else names one: the README's local gRPC port.</summary>
    public const string DefaultServer = "http://127.0.0.1:8081";

    /// <summary>Environment variable naming the server.</summary>
    public const string ServerVariable = "WORKFLOWS_SERVER";

    /// <summary>Environment variable holding the bearer token.</summary>
    public const string TokenVariable = "WORKFLOWS_TOKEN";

    /// <summary><c>--server URL</c>.</summary>
    public static readonly Option<string?> Server = CommonOptions.RefuseOptionAsValue(new Option<string?>("--server")
    {
        Description = $"The server's gRPC address [default: ${ServerVariable}, else the saved profile, else {DefaultServer}]",
        HelpName = "URL",
        Recursive = true,
    });

    /// <summary><c>--token TOKEN</c>.</summary>
    public static readonly Option<string?> Token = CommonOptions.RefuseOptionAsValue(new Option<string?>("--token")
    {
        Description = $"Bearer token [default: ${TokenVariable}, else the saved profile]",
        HelpName = "TOKEN",
        Recursive = true,
    });

    /// <summary><c>-o text|json</c>.</summary>
    public static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "Output format: text, or json (one JSON document; newline-delimited JSON for streams)",
        HelpName = "FORMAT",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    /// <summary><c>--verbose</c>: stack traces on errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the full error, with its stack trace, when a command fails",
        Recursive = true,
    };

    static GlobalOptions()
    {
        Output.AcceptOnlyFromAmong("text", "json");
    }

    /// <summary>Adds the options to the root command.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Options.Add(Output);
        root.Options.Add(Verbose);
    }
}
